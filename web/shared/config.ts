/** The bootstrap the server's `/config.js` puts on the page before any module runs. */
export interface SupportConfig {
  publicKey: string;
  /** Only for the local demo: prefills the agent sign-in. */
  secretKey?: string;
}

declare global {
  interface Window {
    SUPPORT_CONFIG?: Partial<SupportConfig>;
  }
}

export function readSupportConfig(): SupportConfig {
  const config = window.SUPPORT_CONFIG ?? {};
  if (!config.publicKey) throw new Error('window.SUPPORT_CONFIG.publicKey is missing: is /config.js served?');
  return { publicKey: config.publicKey, secretKey: config.secretKey };
}

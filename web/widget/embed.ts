/**
 * widget.js, the widget as a customer's page includes it:
 * `<script src="https://chat.example.com/widget.js" data-public-key="pk_…" async></script>`.
 * One classic script (an IIFE, its styles inside), so it runs from any origin without modules.
 */
import { installApi } from './chat-api';
import { readEmbedSettings } from './embed-settings';
import { SupportChat } from './support-chat';

// Only while the script runs for the first time: later it is null, and a second copy of the snippet is left alone.
const settings = readEmbedSettings(document.currentScript);
if (settings && !window.SupportChat?.identify) {
  const chat = new SupportChat(settings);
  installApi(chat);
  chat.start();
}

/** A stylesheet imported as its text (Vite's `?inline`): the widget puts it into its shadow root. */
declare module '*.css?inline' {
  const css: string;
  export default css;
}

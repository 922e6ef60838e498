/** Escape meant to close the widget's panel: not one ending an input method's composition, nor one a control took already. */
export const isEscapeToClose = (event: KeyboardEvent): boolean => event.key === 'Escape' && !event.isComposing && !event.defaultPrevented;

/** The built-in item types, registered before any other plugin. */
import { definePlugin } from '../define';
import { eventType } from './event';
import { messageType } from './message';
import { noteType } from './note';

export const builtinPlugin = definePlugin({
  name: 'builtin',
  version: '1.0.0',
  itemTypes: [messageType, noteType, eventType],
});

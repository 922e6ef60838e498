export * from './conversation';
export * from './timeline';
export * from './people';
export * from './errors';
export * from './operations';
export * from './assistant';

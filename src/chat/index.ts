/**
 * The chat layer: what every chat platform shares between the engine and its own transport —
 * the command catalogue, the typed-command grammar, the component id codec, the ballot
 * policy, the campaign directory, the announcement delivery and the common answer steps.
 * It imports no platform library: adapters/ build on it.
 */
export * from './runner';
export * from './place';
export * from './options';
export * from './catalogue';
export * from './text';
export * from './ids';
export * from './ballot';
export * from './expiring-map';
export * from './directory';
export * from './delivery';
export * from './flows';

// The YAML module: emit, plain-scalar resolution and safe parsing. Every
// layer (constructs, render, validate, publish, pins, migrate) uses YAML
// through this entry point.
export * from './characters';
export * from './emit';
export * from './read-emitted';
export * from './resolve';
export * from './safe-parse';
export * from './tool-output';

export { createHanReader } from './han-reader.ts';
export type { CreateHanReaderOptions } from './han-reader.ts';
export type { HanEvent, HanReaderLike, HanReaderOptions, HanReaderStats } from './types.ts';

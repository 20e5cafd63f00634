export { translate } from './translate.ts';
export type { Translation, TranslationLayer, TranslateKeys, TranslateOptions } from './translate.ts';
export { translationToJson, formatTranslation } from './format.ts';
export { toJsonable } from './to-json.ts';
export type { Jsonable } from './to-json.ts';

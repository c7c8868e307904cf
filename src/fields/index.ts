export { compileField, compileFieldRaw, getField, toValues, type FieldGetter } from './field-path.js';
export { parseTimestamp } from './timestamp.js';
export { hostOf, HOST_FIELDS } from './host.js';

export { MARKET_ROLES } from './time-series.ts';
export type { MarketParticipant, MarketRole, TimeSeries, TimeSeriesDocument, TimeSeriesPoint } from './time-series.ts';
export { DOCUMENT_ROOT } from './cim-json.ts';
export type { CimGs1Id, CimMarketDocument, CimPoint, CimSeries, CimTimeSeriesJson, CimValue } from './cim-json.ts';
export { DEFAULT_MAX_SERIES, decodeTimeSeriesDocument, encodeTimeSeriesDocument, timeSeriesDocumentToJson } from './codec.ts';
export type { TimeSeriesDecodeLimits, TimeSeriesEncodeOptions } from './codec.ts';

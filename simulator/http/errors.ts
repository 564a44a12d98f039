// The one table of Marketo error codes and messages, the error thrown for response-level failures, and record reasons.

/** A Marketo `{code, message}` item as it appears in `errors[]` and `reasons[]` (codes are quoted integers). */
export interface MarketoReason {
  code: string;
  message: string;
}

/**
 * Response-level (6xx/7xx, and the 1xxx codes that also appear response-level) and record-level (1xxx) codes.
 * Messages are the wire strings where they were observed (see reference §4.3), else the documented ones.
 */
export const ERR = {
  EMPTY_ACCESS_TOKEN: { code: '600', message: 'Empty access token' },
  ACCESS_TOKEN_INVALID: { code: '601', message: 'Access token invalid' },
  ACCESS_TOKEN_EXPIRED: { code: '602', message: 'Access token expired' },
  ACCESS_DENIED: { code: '603', message: 'Access denied' },
  REQUEST_TIME_OUT: { code: '604', message: 'Request time-out' },
  METHOD_NOT_SUPPORTED: (method: string) => ({ code: '605', message: `Request method '${method}' not supported` }),
  RATE_LIMIT: (limit: number, seconds: number) => ({
    code: '606',
    message: `Max rate limit '${limit}' exceeded with in '${seconds}' secs`,
  }),
  DAILY_QUOTA: { code: '607', message: 'Daily quota reached' },
  TEMPORARILY_UNAVAILABLE: { code: '608', message: 'API Temporarily Unavailable' },
  INVALID_JSON: { code: '609', message: 'Invalid JSON' },
  NOT_FOUND: { code: '610', message: 'Requested resource not found' },
  SYSTEM_ERROR: { code: '611', message: 'System error' },
  INVALID_CONTENT_TYPE: { code: '612', message: 'Invalid Content Type' },
  INVALID_MULTIPART: { code: '613', message: 'Invalid Multipart Request' },
  INVALID_SUBSCRIPTION: { code: '614', message: 'Invalid Subscription' },
  CONCURRENT_LIMIT: (limit: number) => ({ code: '615', message: `Concurrent access limit '${limit}' reached` }),
  CANNOT_BE_BLANK: (what: string) => ({ code: '701', message: `${what} cannot be blank` }),
  NO_DATA: { code: '702', message: 'No data found for a given search scenario' },
  INVALID_DATE: { code: '704', message: 'Invalid date format' },
  INTERNAL: { code: '500', message: 'Internal Server error' },
  BAD_GATEWAY: { code: '502', message: 'Bad Gateway' },

  INVALID_VALUE: (value: string, type: string) => ({
    code: '1001',
    message: `Invalid value '${value}'. Required of type '${type}'`,
  }),
  MISSING_VALUE: (name: string) => ({ code: '1002', message: `Missing value for the required parameter '${name}'` }),
  INVALID_DATA: { code: '1003', message: 'Invalid data' },
  /** 1003 with a detail message, as Marketo sends for request-shape problems (`Too many results match the filter`). */
  INVALID_REQUEST: (message: string) => ({ code: '1003', message }),
  TOO_MANY_RESULTS: { code: '1003', message: 'Too many results match the filter' },
  LEAD_NOT_FOUND: { code: '1004', message: 'Lead not found' },
  LEAD_EXISTS: { code: '1005', message: 'Lead already exists' },
  FIELD_NOT_FOUND: (name: string) => ({ code: '1006', message: `Field '${name}' not found` }),
  LOOKUP_FIELD_NOT_FOUND: (name: string) => ({ code: '1006', message: `Lookup field '${name}' not found` }),
  /** The wire string (Marketo/REST-Sample-Code #13), not the doc's "Multiple leads match the lookup criteria". */
  MULTIPLE_MATCH: { code: '1007', message: 'Multiple lead match lookup criteria' },
  PARTITION_ACCESS_DENIED: (partition: string) => ({ code: '1008', message: `Access denied to partition '${partition}'` }),
  PARTITION_NAME_REQUIRED: { code: '1009', message: 'Partition name must be specified' },
  PARTITION_UPDATE_NOT_ALLOWED: { code: '1010', message: 'Partition update not allowed' },
  FIELD_NOT_SUPPORTED: (name: string) => ({ code: '1011', message: `Field '${name}' not supported` }),
  LOOKUP_FIELD_NOT_SUPPORTED: (name: string) => ({ code: '1011', message: `Lookup field '${name}' not supported` }),
  OBJECT_NOT_FOUND: { code: '1013', message: 'Object not found' },
  /** Emulator decision (DESIGN/COVERAGE): a `partitionName` that names no partition skips the record. */
  PARTITION_NOT_FOUND: (name: string) => ({ code: '1013', message: `Partition '${name}' not found` }),
  OBJECT_EXISTS: (what: string) => ({ code: '1017', message: `${what} already exists` }),
} as const;

/** A response-level failure: the whole call is refused with these `errors[]` and nothing is executed. */
export class MarketoError extends Error {
  readonly reasons: MarketoReason[];

  constructor(reason: MarketoReason | MarketoReason[]) {
    const reasons = Array.isArray(reason) ? reason : [reason];
    super(reasons.map((r) => `${r.code} ${r.message}`).join('; '));
    this.name = 'MarketoError';
    this.reasons = reasons;
  }
}

/** The one-line guard of the house: `assert(cond, ERR.X)` throws a response-level MarketoError when cond is false. */
export function assert(condition: unknown, reason: MarketoReason): asserts condition {
  if (!condition) throw new MarketoError(reason);
}

/** Codes that Marketo does not count against the rate limit or daily quota (the `*` rows of its error table). */
export const UNCOUNTED_CODES: ReadonlySet<string> = new Set(['601', '602', '604', '605', '608', '611']);

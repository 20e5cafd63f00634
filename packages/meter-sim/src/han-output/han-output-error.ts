/**
 * Every failure of the HAN output, with a stable machine-readable code.
 *
 * | code | meaning |
 * |---|---|
 * | `LIST_NOT_SENT` | the vendor does not send this list (Kamstrup has no 2.5-second List 1: NVE exempted it) |
 * | `INVALID_LIST` | a list number other than 1, 2 or 3 |
 * | `INVALID_OPTION` | an emitter option out of range (backlog < 1) or an invalid start instant |
 */
export type HanOutputErrorCode = 'LIST_NOT_SENT' | 'INVALID_LIST' | 'INVALID_OPTION';

/** The one error type of `han-output/`. */
export class HanOutputError extends Error {
  override readonly name = 'HanOutputError';
  readonly code: HanOutputErrorCode;

  constructor(code: HanOutputErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

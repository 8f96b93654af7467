/**
 * The error of the built-in TLS 1.3 engine (spec/protocol.md §4.9, §12.2):
 * a TransportError that also names the alert we send to the peer, and the
 * mapping of a received alert to our codes.
 */
import { TransportError, TransportErrorCode } from '../errors.js';
import { AlertDescription } from './constants.js';

/** A TransportError raised by the engine; `alert` is what is sent to the peer (none for a received alert). */
export class TlsEngineError extends TransportError {
  /** Alert description to send before closing, or undefined to send nothing. */
  readonly alert: number | undefined;

  constructor(code: TransportErrorCode, alert: number | undefined, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.alert = alert;
  }
}

/** Malformed input: TLS_BAD_RECORD with the given alert (decode_error by default). */
export function badRecord(message: string, alert: number = AlertDescription.decodeError): TlsEngineError {
  return new TlsEngineError(TransportErrorCode.TlsBadRecord, alert, message);
}

/** A negotiation failure: TLS_HANDSHAKE_FAILED with the given alert. */
export function handshakeFailed(message: string, alert: number = AlertDescription.handshakeFailure): TlsEngineError {
  return new TlsEngineError(TransportErrorCode.TlsHandshakeFailed, alert, message);
}

const ALERT_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(AlertDescription).map(([name, value]) => [value, name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]),
);

/** The RFC 8446 name of an alert description (`decrypt_error`), or its number. */
export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `alert ${description}`;
}

/**
 * The error for a fatal alert received from the peer. In the handshake,
 * decrypt_error, bad_record_mac and unknown_psk_identity mean the keys or
 * identities differ: TLS_PSK_MISMATCH; handshake_failure and the other
 * negotiation alerts: TLS_HANDSHAKE_FAILED; anything else: TLS_ALERT.
 */
export function fromReceivedAlert(description: number, inHandshake: boolean): TlsEngineError {
  const text = `the peer sent the TLS alert ${alertName(description)}`;
  if (inHandshake) {
    switch (description) {
      case AlertDescription.decryptError:
      case AlertDescription.badRecordMac:
      case AlertDescription.unknownPskIdentity:
        return new TlsEngineError(TransportErrorCode.TlsPskMismatch, undefined, `${text}: the key or identity does not match`);
      case AlertDescription.handshakeFailure:
      case AlertDescription.protocolVersion:
      case AlertDescription.missingExtension:
      case AlertDescription.unsupportedExtension:
        return new TlsEngineError(TransportErrorCode.TlsHandshakeFailed, undefined, text);
    }
  }
  return new TlsEngineError(TransportErrorCode.TlsAlert, undefined, text);
}

/**
 * PDU dispatch (RFC 3413 command responder): one request PDU from an authenticated principal in, the
 * Response-PDU's fields out. Version-independent except for the SNMPv1 rules and the error a write by
 * a read-only principal gets (v1 noSuchName, v2c noAccess, v3 authorizationError).
 */
import { BerWriter, Tag } from './ber';
import { ErrorStatus } from './message';
import type { ErrorStatusName, Pdu } from './message';
import type { MibView } from './mibview';
import { get, getBulk, getNext } from './operations';
import { processSet } from './set';
import type { Committer } from './set';
import type { Role } from './access';

export interface Principal {
  /** Community entry name or USM user name (the commit's user). */
  readonly name: string;
  readonly access: Role;
  /** 0 (v1), 1 (v2c), 3 (v3). */
  readonly version: number;
}

export interface Reply {
  readonly requestId: number;
  readonly status: number;
  readonly index: number;
  /** Varbind TLVs of the response (a view of a scratch buffer: encode before the next request). */
  readonly varbinds: Buffer;
  /** A write was refused for lack of access (snmpInBadCommunityUses for communities). */
  readonly badUse?: boolean;
}

/** RFC 2576 section 4.3: v2 error statuses in a v1 response. */
export function v1Status(s: number): number {
  switch (s) {
    case ErrorStatus.noError: case ErrorStatus.tooBig: case ErrorStatus.noSuchName: case ErrorStatus.badValue:
    case ErrorStatus.readOnly: case ErrorStatus.genErr:
      return s;
    case ErrorStatus.wrongValue: case ErrorStatus.wrongEncoding: case ErrorStatus.wrongType: case ErrorStatus.wrongLength:
    case ErrorStatus.inconsistentValue:
      return ErrorStatus.badValue;
    case ErrorStatus.noAccess: case ErrorStatus.notWritable: case ErrorStatus.noCreation: case ErrorStatus.inconsistentName:
    case ErrorStatus.authorizationError:
      return ErrorStatus.noSuchName;
    default:
      return ErrorStatus.genErr;
  }
}

/** An error response's fields: the request's varbinds echoed, the status in the version's terms. */
function echo(pdu: Pdu, v1: boolean, status: number, index: number, badUse?: boolean): Reply {
  return { requestId: pdu.requestId, status: v1 ? v1Status(status) : status, index, varbinds: pdu.varbindBytes, badUse };
}

export class Dispatcher {
  /** Scratch for response varbinds, reused by every request (the agent is single-threaded). */
  private readonly w = new BerWriter(70000);
  /** Why the last SET was refused, for the log. */
  lastSetError: string | undefined;

  constructor(private readonly view: MibView, private readonly committer: Committer) {}

  /** Whether the PDU type is one this command responder answers. */
  static handles(type: number, version: number): boolean {
    if (type === Tag.GetRequest || type === Tag.GetNextRequest || type === Tag.SetRequest) return true;
    return type === Tag.GetBulkRequest && version !== 0;
  }

  /**
   * Processes a request PDU. budget: octets available for the response's varbinds; maxRepetitions:
   * the largest GetBulk max-repetitions honoured. The response echoes the request's varbinds whenever
   * it carries an error (except tooBig).
   */
  process(pdu: Pdu, who: Principal, budget: number, maxRepetitions: number): Reply {
    const v1 = who.version === 0;
    const w = this.w;
    w.reset();
    let r;
    switch (pdu.type) {
      case Tag.GetRequest: r = get(this.view, pdu.varbinds, v1, w, budget); break;
      case Tag.GetNextRequest: r = getNext(this.view, pdu.varbinds, v1, w, budget); break;
      case Tag.GetBulkRequest: r = getBulk(this.view, pdu.varbinds, pdu.errorStatus, Math.min(pdu.errorIndex, maxRepetitions), w, budget); break;
      case Tag.SetRequest: {
        if (who.access !== 'admin') {
          if (who.version === 3) return echo(pdu, v1, ErrorStatus.authorizationError, 0);
          return echo(pdu, v1, ErrorStatus.noAccess, pdu.varbinds.length ? 1 : 0, true);
        }
        const out = processSet(this.view, this.committer, pdu.varbinds, { user: who.name, source: 'snmp' });
        this.lastSetError = out.reason;
        return echo(pdu, v1, ErrorStatus[out.status as ErrorStatusName], out.index);
      }
      default: throw new Error(`PDU type 0x${pdu.type.toString(16)} is not a request`);
    }
    if (r.status === ErrorStatus.tooBig) return { requestId: pdu.requestId, status: r.status, index: 0, varbinds: Buffer.alloc(0) };
    if (r.status !== ErrorStatus.noError) return echo(pdu, v1, r.status, r.index);
    return { requestId: pdu.requestId, status: 0, index: 0, varbinds: w.buf.subarray(0, w.pos) };
  }
}

"""A second SNMP manager for the tests: pysnmp (Debian python3-pysnmp4), run by /usr/bin/python3.

Usage (one JSON object on stdout):
  pysnmp_client.py bulk HOST PORT COMMUNITY NON_REPEATERS MAX_REPETITIONS OID...
      one v2c GetBulk encoded by pysnmp's protocol API, sent over a plain UDP socket so that the size of
      the answer is seen: {"requestBytes", "responseBytes", "errorStatus", "varbinds"}
  pysnmp_client.py get HOST PORT COMMUNITY TIMES OID...
      the same v2c GetRequest (a new request-id each time) sent TIMES times, one after the other, encoded and
      decoded by pysnmp's protocol API: {"answers": [{"requestIdMatches", "errorStatus", "values"}, ...]}
  pysnmp_client.py v3get HOST PORT USER LEVEL AUTH_PROTO AUTH_KEY PRIV_PROTO PRIV_KEY TIMEOUT OID
      one SNMPv3 GET through pysnmp's high-level API (no retries):
      {"errorIndication", "errorStatus", "seconds", "values"}
"""
import json
import socket
import sys
import time


def bulk(host, port, community, non_repeaters, max_repetitions, oids):
    from pyasn1.codec.ber import decoder, encoder
    from pysnmp.proto import api
    p = api.protoModules[api.protoVersion2c]
    pdu = p.GetBulkRequestPDU()
    p.apiBulkPDU.setDefaults(pdu)
    p.apiBulkPDU.setNonRepeaters(pdu, int(non_repeaters))
    p.apiBulkPDU.setMaxRepetitions(pdu, int(max_repetitions))
    p.apiBulkPDU.setVarBinds(pdu, [(p.ObjectIdentifier(o.strip('.')), p.Null('')) for o in oids])
    msg = p.Message()
    p.apiMessage.setDefaults(msg)
    p.apiMessage.setCommunity(msg, community)
    p.apiMessage.setPDU(msg, pdu)
    data = encoder.encode(msg)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(data, (host, int(port)))
    answer, _ = s.recvfrom(70000)
    reply, _ = decoder.decode(answer, asn1Spec=p.Message())
    rpdu = p.apiMessage.getPDU(reply)
    return {
        'requestBytes': len(data),
        'responseBytes': len(answer),
        'errorStatus': int(p.apiPDU.getErrorStatus(rpdu)),
        'varbinds': len(p.apiPDU.getVarBinds(rpdu)),
    }


def get(host, port, community, times, oids):
    from pyasn1.codec.ber import decoder, encoder
    from pysnmp.proto import api
    p = api.protoModules[api.protoVersion2c]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    answers = []
    for _ in range(int(times)):
        pdu = p.GetRequestPDU()
        p.apiPDU.setDefaults(pdu)
        p.apiPDU.setVarBinds(pdu, [(p.ObjectIdentifier(o.strip('.')), p.Null('')) for o in oids])
        msg = p.Message()
        p.apiMessage.setDefaults(msg)
        p.apiMessage.setCommunity(msg, community)
        p.apiMessage.setPDU(msg, pdu)
        s.sendto(encoder.encode(msg), (host, int(port)))
        answer, _ = s.recvfrom(70000)
        reply, _ = decoder.decode(answer, asn1Spec=p.Message())
        rpdu = p.apiMessage.getPDU(reply)
        answers.append({
            'requestIdMatches': int(p.apiPDU.getRequestID(rpdu)) == int(p.apiPDU.getRequestID(pdu)),
            'errorStatus': int(p.apiPDU.getErrorStatus(rpdu)),
            'values': [v.prettyPrint() for _, v in p.apiPDU.getVarBinds(rpdu)],
        })
    return {'answers': answers}


AUTH = {'none': 'usmNoAuthProtocol', 'md5': 'usmHMACMD5AuthProtocol', 'sha': 'usmHMACSHAAuthProtocol',
        'sha256': 'usmHMAC192SHA256AuthProtocol'}
PRIV = {'none': 'usmNoPrivProtocol', 'aes': 'usmAesCfb128Protocol', 'des': 'usmDESPrivProtocol'}


def v3get(host, port, user, level, auth, auth_key, priv, priv_key, timeout, oid):
    from pysnmp import hlapi
    if level == 'noAuthNoPriv':
        data = hlapi.UsmUserData(user)
    elif level == 'authNoPriv':
        data = hlapi.UsmUserData(user, auth_key, authProtocol=getattr(hlapi, AUTH[auth]))
    else:
        data = hlapi.UsmUserData(user, auth_key, priv_key, authProtocol=getattr(hlapi, AUTH[auth]),
                                 privProtocol=getattr(hlapi, PRIV[priv]))
    t0 = time.monotonic()
    err, status, _index, vbs = next(hlapi.getCmd(
        hlapi.SnmpEngine(), data,
        hlapi.UdpTransportTarget((host, int(port)), timeout=float(timeout), retries=0),
        hlapi.ContextData(), hlapi.ObjectType(hlapi.ObjectIdentity(oid.strip('.')))))
    return {
        'errorIndication': str(err) if err else None,
        'errorStatus': int(status) if status else 0,
        'seconds': time.monotonic() - t0,
        'values': [str(v) for _, v in vbs],
    }


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == 'bulk':
        out = bulk(args[0], args[1], args[2], args[3], args[4], args[5:])
    elif cmd == 'get':
        out = get(args[0], args[1], args[2], args[3], args[4:])
    elif cmd == 'v3get':
        out = v3get(*args[:10])
    else:
        raise SystemExit('unknown command ' + cmd)
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1:])

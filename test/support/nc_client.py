#!/usr/bin/python3
"""NETCONF client steps for the bcmgmt tests, with ncclient (only /usr/bin/python3 imports it here).

Reads a JSON program on the command line:
  {"host": "127.0.0.1", "port": 8830, "steps": [{"op": "connect", "session": "a", "user": "admin", "password": "..."}, ...]}
and prints one JSON object per step on stdout (flushed), in order:
  {"step": 3, "op": "get", "ok": true, "xml": "<rpc-reply ...>"}
  {"step": 4, "op": "edit_config", "ok": false, "error": {"tag": "data-exists", "type": ..., "message": ..., "path": ..., "info": ..., "xml": ...}}
A step {"op": "wait", "name": "x"} prints {"waiting": "x"} and reads one line from stdin before going on,
so that the test can act (make a chain event) at that point.
"""
import json
import logging
import sys
import time

from ncclient import manager
from ncclient.operations import RPCError
from ncclient.xml_ import to_ele, to_xml

logging.disable(logging.CRITICAL)


def error_of(e):
    """The first rpc-error of a reply; 'errors' lists every one when the reply carries several."""
    if e.errlist:
        out = error_of(e.errlist[0])
        out['errors'] = [error_of(x) for x in e.errlist]
        out['xml'] = to_xml(e.xml) if e.xml is not None and not isinstance(e.xml, str) else e.xml
        return out
    return {
        'tag': e.tag, 'type': e.type, 'severity': e.severity, 'message': e.message,
        'path': e.path.strip() if e.path else e.path, 'info': e.info, 'xml': e.xml if isinstance(e.xml, str) else None,
    }


def filter_of(f):
    """A filter from JSON: ["subtree", "<xml/>"], ["xpath", "/path"] or ["xpath", [{"prefix": "ns"}, "/p:path"]]."""
    if not f:
        return None
    if f[0] == 'xpath' and isinstance(f[1], list):
        return ('xpath', tuple(f[1]))
    return tuple(f)


def main():
    prog = json.loads(sys.argv[1])
    host, port = prog.get('host', '127.0.0.1'), prog['port']
    sessions = {}
    for i, step in enumerate(prog['steps']):
        op = step['op']
        name = step.get('session', 'a')
        out = {'step': i, 'op': op, 'ok': True}
        try:
            m = sessions.get(name)
            if op == 'connect':
                m = manager.connect(host=host, port=port, username=step['user'], password=step.get('password'),
                                    key_filename=step.get('key'), hostkey_verify=False, allow_agent=False,
                                    look_for_keys=False, timeout=step.get('timeout', 30))
                sessions[name] = m
                out['session_id'] = m.session_id
                out['base11'] = m._session._base == 2  # NetconfBase.BASE_11: chunked framing
                out['capabilities'] = list(m.server_capabilities)
            elif op == 'get':
                r = m.get(filter=filter_of(step.get('filter')), with_defaults=step.get('with_defaults'))
                out['xml'] = r.xml
            elif op == 'get_config':
                r = m.get_config(source=step.get('source', 'running'), filter=filter_of(step.get('filter')),
                                 with_defaults=step.get('with_defaults'))
                out['xml'] = r.xml
            elif op == 'edit_config':
                r = m.edit_config(target=step.get('target', 'running'), config=step['config'],
                                  default_operation=step.get('default_operation'),
                                  test_option=step.get('test_option'), error_option=step.get('error_option'))
                out['xml'] = r.xml
            elif op == 'copy_config':
                r = m.copy_config(source=step['source'], target=step['target'])
                out['xml'] = r.xml
            elif op == 'lock':
                out['xml'] = m.lock(step.get('target', 'running')).xml
            elif op == 'unlock':
                out['xml'] = m.unlock(step.get('target', 'running')).xml
            elif op == 'validate':
                out['xml'] = m.validate(source=step.get('source', 'running')).xml
            elif op == 'get_schema':
                r = m.get_schema(step['identifier'], version=step.get('version'))
                out['data'] = r.data
            elif op == 'rpc':
                r = m.dispatch(to_ele(step['xml']))
                out['xml'] = r.xml
            elif op == 'subscribe':
                m.create_subscription(filter=filter_of(step.get('filter')), stream_name=step.get('stream'),
                                      start_time=step.get('start_time'), stop_time=step.get('stop_time'))
            elif op == 'notification':
                deadline = time.time() + step.get('timeout', 30)
                want = step.get('contains')
                got = None
                while time.time() < deadline:
                    n = m.take_notification(block=True, timeout=max(0.1, deadline - time.time()))
                    if n is None:
                        break
                    if want is None or want in n.notification_xml:
                        got = n.notification_xml
                        break
                out['xml'] = got
                out['ok'] = got is not None
            elif op == 'kill_session':
                out['xml'] = m.kill_session(str(step['session_id'])).xml
            elif op == 'close':
                m.close_session()
                del sessions[name]
            elif op == 'wait':
                print(json.dumps({'waiting': step.get('name', '')}), flush=True)
                sys.stdin.readline()
            else:
                raise ValueError('unknown step ' + op)
        except RPCError as e:
            out['ok'] = False
            out['error'] = error_of(e)
        except Exception as e:  # transport errors, timeouts: reported, the program goes on
            out['ok'] = False
            out['exception'] = '%s: %s' % (type(e).__name__, e)
        print(json.dumps(out), flush=True)
    for m in sessions.values():
        try:
            m.close_session()
        except Exception:
            pass


if __name__ == '__main__':
    main()

/** XML namespaces and capability URIs of the protocols the NETCONF server speaks. */

export const NC_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const NOTIF_NS = 'urn:ietf:params:xml:ns:netconf:notification:1.0';
/** RFC 5277 stream discovery: <netconf><streams> (module nc-notifications). */
export const NETMOD_NOTIF_NS = 'urn:ietf:params:xml:ns:netmod:notification';
/** YANG 1.1 <action> (RFC 7950 section 7.15.2). */
export const YANG1_NS = 'urn:ietf:params:xml:ns:yang:1';
export const NCM_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';
export const YANGLIB_NS = 'urn:ietf:params:xml:ns:yang:ietf-yang-library';
export const DS_NS = 'urn:ietf:params:xml:ns:yang:ietf-datastores';
export const NCWD_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';

export const CAP = {
  base10: 'urn:ietf:params:netconf:base:1.0',
  base11: 'urn:ietf:params:netconf:base:1.1',
  writableRunning: 'urn:ietf:params:netconf:capability:writable-running:1.0',
  startup: 'urn:ietf:params:netconf:capability:startup:1.0',
  rollbackOnError: 'urn:ietf:params:netconf:capability:rollback-on-error:1.0',
  validate10: 'urn:ietf:params:netconf:capability:validate:1.0',
  validate11: 'urn:ietf:params:netconf:capability:validate:1.1',
  xpath: 'urn:ietf:params:netconf:capability:xpath:1.0',
  notification: 'urn:ietf:params:netconf:capability:notification:1.0',
  interleave: 'urn:ietf:params:netconf:capability:interleave:1.0',
  /** RFC 6243: the basic mode is explicit (stored values only); report-all and trim on request. */
  withDefaults: 'urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported=report-all,trim',
} as const;

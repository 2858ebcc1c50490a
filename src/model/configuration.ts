/** Clause 7.2.1: configuration of the bridge itself: listeners, notification targets and access. */
import { AdminState, T, config, ev, state } from './common';
import type { ObjectClass } from './types';

export const Role = T.enumOf('AccessRole', [
  ev(1, 'readOnly', 'May read state and configuration'),
  ev(2, 'admin', 'May also change configuration and run actions'),
]);

export const configuration: ObjectClass = {
  name: 'configuration', clause: '7.2.1', kind: 'container', parent: 'managedSystem', arc: 60, mibPrefix: 'bcmCfg',
  description: 'Configuration of the bridge: where its views listen and how it reaches chains. The managed networks and nodes, ' +
    'thresholds, jobs and targets are configured in their own classes; all of it lives in one datastore (running, startup).',
  attributes: [
    config(1, 'rpcTimeout', T.uint32(100, 600000), 'Timeout of one RPC call to a node.', { units: 'milliseconds', default: 4000 }),
    config(2, 'snmpAddress', T.text(64), 'Address the SNMP agent listens on.', { default: '127.0.0.1' }),
    config(3, 'snmpPort', T.uint32(1, 65535), 'UDP port of the SNMP agent.', { default: 1161 }),
    config(4, 'sshAddress', T.text(64), 'Address the NETCONF over SSH server listens on.', { default: '127.0.0.1' }),
    config(5, 'sshPort', T.uint32(1, 65535), 'TCP port of the NETCONF over SSH server.', { default: 8830 }),
    config(6, 'httpAddress', T.text(64), 'Address the HTTP server listens on.', { default: '127.0.0.1' }),
    config(7, 'httpPort', T.uint32(1, 65535), 'TCP port of the HTTP server.', { default: 8080 }),
    config(8, 'maxSessions', T.uint32(1, 1000), 'NETCONF sessions accepted at once.', { default: 16 }),
    config(9, 'idleTimeout', T.uint32(0, 86400), 'NETCONF sessions idle this long are closed; 0 never.', { units: 'seconds', default: 3600 }),
    config(10, 'maxRequestSize', T.uint32(1024, 104857600), 'Largest NETCONF or HTTP request accepted.', { units: 'octets', default: 1048576 }),
    state(11, 'lastCommitTime', T.time, 'When the running configuration was last committed.'),
    state(12, 'lastCommitUser', T.text(64), 'Who made the last commit.'),
    state(13, 'commitCount', T.counter64, 'Commits to the running configuration since the datastore was created.'),
    config(14, 'snmpMaxMessageSize', T.uint32(484, 65507), 'Largest SNMPv1/v2c response the agent sends: a GetBulk response is cut to fit, ' +
      'any other response that does not fit is tooBig. SNMPv3 responses follow the request\'s msgMaxSize (at most 65507). ' +
      'The default fits one Ethernet frame, like Net-SNMP\'s SNMP_MAX_MSG_SIZE.', { units: 'octets', default: 1472 }),
    config(15, 'snmpMaxRepetitions', T.uint32(1, 10000), 'Largest max-repetitions of a GetBulk request the agent honours (any version); ' +
      'larger requests are served as if they asked for this many. The default is Net-SNMP snmpd\'s limit of 100 varbinds.', { default: 100 }),
    config(16, 'loginGraceTime', T.uint32(1, 600), 'Time a client has, from the moment its connection is accepted, to authenticate and start ' +
      'the NETCONF over SSH subsystem (and to send its hello), or to send the headers of an HTTP request; then the connection is closed.',
    { units: 'seconds', default: 30 }),
    config(17, 'maxStartups', T.uint32(1, 1000), 'NETCONF over SSH connections accepted at once that have not yet started a session ' +
      '(not authenticated or no subsystem yet); connections beyond it are closed at once.', { default: 10 }),
  ],
};

export const notificationTarget: ObjectClass = {
  name: 'notificationTarget', clause: '7.2.1', kind: 'list', parent: 'configuration', keys: ['name'], arc: 61, mibPrefix: 'bcmNotif', maxElements: 64,
  description: 'A receiver of SNMP notifications (trap or inform).',
  attributes: [
    config(1, 'name', T.name, 'Name of the target.'),
    config(2, 'host', T.text(255), 'Host name or address of the receiver.', { required: true }),
    config(3, 'port', T.uint32(1, 65535), 'UDP port of the receiver.', { default: 162 }),
    config(4, 'version', T.enumOf('SnmpVersion', [
      ev(1, 'v2c', 'SNMPv2c with a community'),
      ev(2, 'v3', 'SNMPv3 with a USM user'),
    ]), 'SNMP version of the notifications.', { default: 'v2c' }),
    config(5, 'community', T.text(64), 'Community for v2c.', { secret: true, mib: false }),
    config(6, 'user', T.text(64), 'USM user (one of snmpUser) for v3.', { default: '' }),
    config(7, 'type', T.enumOf('NotificationKind', [
      ev(1, 'trap', 'Unconfirmed'),
      ev(2, 'inform', 'Confirmed, retried until acknowledged'),
    ]), 'Kind of notification.', { default: 'trap' }),
    config(8, 'timeout', T.uint32(100, 60000), 'Time to wait for an inform\'s response before a retry.', { units: 'milliseconds', default: 1500 }),
    config(9, 'retries', T.uint32(0, 20), 'Retries of an inform.', { default: 3 }),
    config(10, 'adminState', AdminState, 'locked targets are not sent to.', { default: 'unlocked' }),
    state(11, 'sent', T.counter64, 'Notifications sent (first transmissions).'),
    state(12, 'acknowledged', T.counter64, 'Informs acknowledged.'),
    state(13, 'dropped', T.counter64, 'Notifications given up (retries exhausted or queue full).'),
    state(14, 'queueLength', T.gauge32, 'Informs waiting for an acknowledgement.'),
  ],
};

export const snmpCommunity: ObjectClass = {
  name: 'snmpCommunity', clause: '7.2.1', kind: 'list', parent: 'configuration', keys: ['name'], arc: 62, mibPrefix: 'bcmComm', mib: false, maxElements: 64,
  description: 'An SNMPv1/v2c community accepted by the agent.',
  attributes: [
    config(1, 'name', T.name, 'Name of the entry.'),
    config(2, 'community', T.text(64), 'Community string.', { secret: true }),
    config(3, 'access', Role, 'readOnly for GET operations only; admin also allows SET.', { default: 'readOnly' }),
    config(4, 'source', T.text(64), 'Source address prefix (CIDR) allowed to use it.', { default: '127.0.0.0/8' }),
  ],
};

export const snmpUser: ObjectClass = {
  name: 'snmpUser', clause: '7.2.1', kind: 'list', parent: 'configuration', keys: ['name'], arc: 63, mibPrefix: 'bcmUsm', mib: false, maxElements: 64,
  description: 'An SNMPv3 USM user (RFC 3414) accepted by the agent and usable for notifications.',
  attributes: [
    config(1, 'name', T.name, 'USM user name.'),
    config(2, 'authProtocol', T.enumOf('UsmAuthProtocol', [
      ev(1, 'none', 'noAuthNoPriv'),
      ev(2, 'sha', 'HMAC-SHA-96 (RFC 3414)'),
      ev(3, 'sha224', 'HMAC-SHA-224 (RFC 7860)'),
      ev(4, 'sha256', 'HMAC-SHA-256 (RFC 7860)'),
      ev(5, 'sha384', 'HMAC-SHA-384 (RFC 7860)'),
      ev(6, 'sha512', 'HMAC-SHA-512 (RFC 7860)'),
      ev(7, 'md5', 'HMAC-MD5-96 (RFC 3414), for old managers'),
    ]), 'Authentication protocol.', { default: 'sha' }),
    config(3, 'authKey', T.text(128), 'Authentication pass phrase.', { secret: true, requiredUnless: { attribute: 'authProtocol', value: 'none' } }),
    config(4, 'privProtocol', T.enumOf('UsmPrivProtocol', [
      ev(1, 'none', 'No privacy'),
      ev(2, 'aes', 'AES-128 CFB (RFC 3826)'),
      ev(3, 'des', 'DES CBC (RFC 3414), for old managers'),
    ]), 'Privacy protocol.', { default: 'aes' }),
    config(5, 'privKey', T.text(128), 'Privacy pass phrase.', { secret: true, requiredUnless: { attribute: 'privProtocol', value: 'none' } }),
    config(6, 'access', Role, 'readOnly or admin (SET allowed).', { default: 'readOnly' }),
  ],
};

export const managementUser: ObjectClass = {
  name: 'managementUser', clause: '7.2.1', kind: 'list', parent: 'configuration', keys: ['name'], arc: 64, mibPrefix: 'bcmUser', mib: false, maxElements: 64,
  description: 'A NETCONF (SSH) and HTTP user with its role.',
  attributes: [
    config(1, 'name', T.name, 'User name.'),
    config(2, 'password', T.text(128), 'Password (stored as a salted scrypt hash).', { secret: true }),
    config(3, 'publicKey', T.text(4096), 'SSH public keys accepted for the user, in OpenSSH authorized_keys format.', { multi: true, maxElements: 64 }),
    config(4, 'role', Role, 'Role of the user.', { default: 'readOnly' }),
  ],
};

export const configurationClasses = [configuration, notificationTarget, snmpCommunity, snmpUser, managementUser];

/**
 * The M.immbs information model: every object class of clause 7, its alarm types and events.
 * This is the single source from which tools/ renders the YANG module, the MIB and the clause 7 text,
 * and which types the live instance tree.
 */
import { configurationClasses } from './configuration';
import { consensusClasses } from './consensus';
import { contractClasses } from './contract';
import { crossChainClasses } from './crosschain';
import { events } from './events';
import { alarmNotifications, alarmTypes, faultClasses } from './fault';
import { ledgerClasses } from './ledger';
import { logClasses } from './log';
import { performanceClasses } from './performance';
import { topologyClasses } from './topology';
import type { InformationModel } from './types';

/**
 * PROVISIONAL root OID of BLOCKCHAIN-MGMT-MIB, under the experimental arc, until an arc is assigned
 * (by IANA under mib-2, or by the ITU-T). This is the only place it is written.
 */
export const PROVISIONAL_ROOT_OID = '1.3.6.1.3.7346';

export const model: InformationModel = {
  module: {
    yangName: 'blockchain-mgmt',
    yangPrefix: 'bcm',
    namespace: 'urn:itu:t:m:immbs:blockchain-mgmt',
    mibName: 'BLOCKCHAIN-MGMT-MIB',
    rootOid: PROVISIONAL_ROOT_OID,
    rootOidNote: 'The root OID ' + PROVISIONAL_ROOT_OID + ' (experimental 7346) is provisional: it will change when an arc is assigned.',
    organization: 'bcmgmt project, implementing draft ITU-T Recommendation M.immbs',
    contact: 'bcmgmt developers; see the project README.',
    description: 'Information model for management of blockchain systems (draft ITU-T M.immbs, clause 7): ' +
      'networks, nodes, peers, ledgers, consensus, contracts and cross-chain channels, with the ' +
      'configuration, fault, performance and log management of the bridge that manages them.',
    /** Newest first. */
    revisions: [
      { date: '2026-11-25', description: 'Initial revision.' },
    ],
  },
  classes: [
    ...topologyClasses, ...ledgerClasses, ...consensusClasses, ...contractClasses, ...crossChainClasses,
    ...faultClasses, ...performanceClasses, ...logClasses, ...configurationClasses,
  ],
  alarmTypes,
  events,
  notifications: alarmNotifications,
};

export * from './types';
export * from './lookup';

import { ModelIndex } from './lookup';
/** Shared derived view of the model (containment, names, OIDs). */
export const modelIndex = new ModelIndex(model);

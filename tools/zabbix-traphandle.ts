/**
 * snmptrapd traphandle for Zabbix: appends each notification to Zabbix's SNMPTrapperFile in the format the
 * Zabbix server reads (tools/zabbix-trap-record.ts). In snmptrapd.conf:
 *
 *   traphandle default /usr/bin/node /opt/bcmgmt/dist/tools/zabbix-traphandle.js /var/lib/zabbix/snmptraps/snmptraps.log
 *
 * The file is the zabbix_server.conf SNMPTrapperFile. One append per notification (O_APPEND), so records of
 * handlers running at once do not interleave.
 */
import * as fs from 'node:fs';
import { zabbixTrapRecord } from './zabbix-trap-record';

function main(): void {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: zabbix-traphandle.js SNMP_TRAPPER_FILE  (notification on standard input, as snmptrapd gives it)');
    process.exit(2);
  }
  const input = fs.readFileSync(0, 'utf8');
  fs.appendFileSync(file, zabbixTrapRecord(input, new Date()));
}

if (require.main === module) main();

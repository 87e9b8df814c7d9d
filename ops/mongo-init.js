// The init job of each replica set in docker-compose.yml (mongosh, as root — the only thing that
// uses root): initiates the set once, waits for a primary, then makes the set's users, each with
// the least it needs, idempotently (a re-run updates their passwords):
//   SERVICE_USER  readWrite on SERVICE_DB alone (the service's own database)
//   aiki-backup   the backup role (mongodump --oplog) and read on SERVICE_DB (aiki backup)
// Environment: RS_NAME, RS_HOSTS (host:port,…), ROOT_PASSWORD, SERVICE_USER, SERVICE_PASSWORD,
// SERVICE_DB, BACKUP_PASSWORD; TLS with the CA in /certs/ca.pem.
/* global process, print, printjson, sleep, connect -- mongosh's */
const env = process.env;
const hosts = env.RS_HOSTS.split(',');
const tls = 'tls=true&tlsCAFile=/certs/ca.pem';

function retry(what, f) {
  for (let i = 0; ; i++) {
    try {
      return f();
    } catch (e) {
      if (i >= 120) throw e;
      print(`waiting for ${what}: ${e.message}`);
      sleep(1000);
    }
  }
}

// Every member answers before the set is initiated.
for (const host of hosts) retry(host, () => connect(`mongodb://${host}/admin?${tls}&directConnection=true`).runCommand({ ping: 1 }));

const first = connect(`mongodb://root:${encodeURIComponent(env.ROOT_PASSWORD)}@${hosts[0]}/admin?authSource=admin&${tls}&directConnection=true`);
try {
  first.adminCommand({ replSetGetStatus: 1 }); // throws NotYetInitialized before the first run
  print(`${env.RS_NAME} is initiated`);
} catch {
  printjson(first.adminCommand({ replSetInitiate: { _id: env.RS_NAME, members: hosts.map((host, i) => ({ _id: i, host })) } }));
}

// Users are written on the primary, through the set.
const admin = retry(`a primary of ${env.RS_NAME}`, () => {
  const d = connect(`mongodb://root:${encodeURIComponent(env.ROOT_PASSWORD)}@${hosts.join(',')}/admin?replicaSet=${env.RS_NAME}&authSource=admin&${tls}`);
  if (!d.hello().isWritablePrimary) throw new Error('no primary yet');
  return d;
});

function user(name, pwd, roles) {
  if (admin.getUser(name)) admin.updateUser(name, { pwd, roles });
  else admin.createUser({ user: name, pwd, roles });
  print(`user ${name}: ${roles.map((r) => `${r.role}@${r.db}`).join(', ')}`);
}
user(env.SERVICE_USER, env.SERVICE_PASSWORD, [{ role: 'readWrite', db: env.SERVICE_DB }]);
user('aiki-backup', env.BACKUP_PASSWORD, [
  { role: 'backup', db: 'admin' },
  { role: 'read', db: env.SERVICE_DB },
]);

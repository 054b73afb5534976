/** The exact message of every case in cases.ts, by category and case. */
export const EXPECTED_MESSAGES: Readonly<Record<string, string>> = {
  'a password in a database URL in an environment value':
    "shop/api: service.env.DATABASE_URL holds a credential (a password in a URL) that would be written in clear (got \"postgres://app:<redacted>@db:5432/app\"); keep it in a Secret and reference it: EnvValue.fromSecret('<secret-name>', '<key>'), then $(VAR) in args",
  'a token as the user of an https URL in an argument':
    "shop/api: service.args[0] holds a credential (user info in an https URL, where a token is sent as the user) that would be written in clear (got \"--upstream=https://<redacted>@github.com/x\"); keep it in a Secret and reference it: EnvValue.fromSecret('<secret-name>', '<key>'), then $(VAR) in args",
  'a --password= argument':
    "shop/api: service.args[0] passes a credential to --password in clear: it would be written into the manifest and shown by ps (got \"--password=<redacted>\"); keep it in a Secret and reference it: EnvValue.fromSecret('<secret-name>', '<key>'), then $(VAR) in args",
  'a --db-password argument followed by its value':
    "shop/api: service.args[1] passes a credential to --db-password in clear: it would be written into the manifest and shown by ps (got \"<redacted>\"); keep it in a Secret and reference it: EnvValue.fromSecret('<secret-name>', '<key>'), then $(VAR) in args",
  'a password flag inside a script':
    "shop/api: service.command[2] passes a credential to --pass in clear: it would be written into the manifest and shown by ps (got \"<redacted>\"); keep it in a Secret and reference it: EnvValue.fromSecret('<secret-name>', '<key>'), then $(VAR) in args",
  'a password= setting in an annotation':
    "shop/api: service.annotations.example.com/dsn holds a credential (a password= setting) that would be written in clear (got \"host=db password=<redacted>\"); keep it in a Secret and reference it: EnvValue.fromSecret('<secret-name>', '<key>'), then $(VAR) in args",
  'a literal under a variable named like a password, in any spelling':
    "shop/api: service.env.REDIS_PASS looks like a secret and would be written into the manifest in clear (got \"<redacted>\"); reference it instead: EnvValue.fromSecret('<secret-name>', 'redis_pass')",
  'a Secret name that is not a DNS subdomain':
    "shop/api: service.env.TOKEN.secretName must be the name of a Secret: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', alphanumeric at both ends, at most 253 characters) (got \"My_Secret\"); use e.g. \"app-credentials\"",
  'a Secret key with a slash':
    "shop/api: service.env.TOKEN.key must be a key of a Secret: letters, digits, '-', '_' and '.' (not '.', '..' or starting with '..'), at most 253 characters (got \"a/b\"); use e.g. 'password'",
  'a Git repoURL with a token':
    'chat: gitOps.repoURL holds a credential (a password in a URL) that would be written into the GitOps objects in clear and pushed to every cluster (got "https://oauth2:<redacted>@git.example.com/a/b.git"); give the bare URL and register the credentials with Argo CD (a repository Secret labelled argocd.argoproj.io/secret-type: repository)',
  'a Git repoURL with a token as its user':
    'chat: gitOps.repoURL holds a credential (user info in an https URL, where a token is sent as the user) that would be written into the GitOps objects in clear and pushed to every cluster (got "https://<redacted>@github.com/a/b.git"); give the bare URL and the credentials in the Secret named by secretName',
  'a backup endpoint with user:key@':
    "shop/db: backup.endpoint holds a credential (a password in a URL) that would be written into the pods' environment in clear (got \"https://minio:<redacted>@minio.storage.svc:9000\"); keep the keys in the Secret named by backup.credentialsSecret, and give the bare URL, e.g. 'https://minio.storage.svc:9000'",
  'keys in the backup prefix':
    "shop/db: backup.s3Prefix holds a credential that would be written into the pods' environment in clear (got \"s3://<redacted>:<redacted>@backups/db\"); keep the keys in the Secret named by backup.credentialsSecret (access-key-id, secret-access-key), e.g. 's3://acme-db-backups/firebackup'",
  'keys in the archive location of a standby\'s source':
    'shop/db: standby.archive.s3Prefix holds a credential that would be written into the pods\' environment in clear (got "s3://<redacted>@backups/db"); keep the keys in the backup credentials Secret and give the bare location',
  'a Secret name for the backup credentials that is not one':
    "shop/db: backup.credentialsSecret must be the name of a Secret: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', alphanumeric at both ends, at most 253 characters) (got \"Backup Keys\"); use e.g. \"app-credentials\"",
  'AUTH-PASS in upper case in a Sentinel directive':
    'shop/cache: sentinelDirectives[0] must not carry a password (got "sentinel <redacted>"); mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it',
  'tls-key-file-pass in a Redis directive':
    'shop/cache: redisDirectives[0] must not carry a password (got "tls-key-file-pass <redacted>"); mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it',
  'REQUIREPASS in upper case in a Redis directive':
    'shop/cache: redisDirectives[0] must not carry a password (got "REQUIREPASS <redacted>"); mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it',
  'a URL with a password in a Redis directive':
    'shop/cache: redisDirectives[0] must not carry a credential (a password in a URL) (got "replicaof-url <redacted>"); mount the password from a Kubernetes Secret and set auth.passwordFile; the start script writes it',
  'a password in a Patroni parameter connection string':
    'shop/db: parameters.primary_conninfo must not embed a password in a connection string (got "***"); drop password=...; Patroni writes a .pgpass from PATRONI_*_PASSWORD environment variables filled from a Secret',
  'a URL with a password in a Patroni parameter':
    'shop/db: parameters.application_name holds a credential (a password in a URL) that would be written into patroni.yml in clear (got "postgres://app:<redacted>@db"); remove it; Patroni reads passwords from PATRONI_*_PASSWORD environment variables filled from a Secret',
  'a Patroni parameter named like a password':
    'shop/db: parameters.pgaudit.password must not hold a literal password (got "***"); remove it; Patroni reads PATRONI_<ROLE>_PASSWORD from the environment, filled from a Secret',
  'a PgBouncer setting holding a password':
    "shop/db: auth.Password must not hold a literal password (got \"***\"); put the user's SCRAM secret in the auth file (mounted from a Secret) or use auth.query",
  'a password= in a PgBouncer auth query':
    "shop/db: auth.query.sql holds a credential (a password= setting) that would be written into pgbouncer.ini in clear (got \"SELECT usename, 'password=<redacted>' FROM pg_shadow WHERE usename=$1\"); put the user's SCRAM secret in the auth file (mounted from a Secret) or use auth.query",
  'a Redis password Secret key that is not a key':
    "shop/cache: passwordSecret.key must be a key of the Secret (letters, digits, \"-\", \"_\" and \".\") (got \"<redacted>\"); use e.g. 'password'",
  'a pooler auth Secret that is not a Secret name':
    "shop/db: pooler.authSecret must be the name of a Secret: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', alphanumeric at both ends, at most 253 characters) (got \"Pooler_Auth\"); use e.g. \"app-credentials\"",
  'an empty ports list on an ingress rule':
    'shop/api: service.ingress[0].ports must name at least one port: an empty list in a NetworkPolicy opens every port (got []); give the ports, e.g. [{ port: 5432 }]',
  'an empty ports list on an egress rule':
    'shop/api: service.egress[0].ports must name at least one port: an empty list in a NetworkPolicy opens every port (got []); give the ports, e.g. [{ port: 5432 }]',
  'an empty ports list in allowFrom':
    'shop/api: allowFrom.ports must name at least one port: an empty list in a NetworkPolicy opens every port (got []); give the ports, e.g. [{ port: 5432 }]',
  'an empty ports list in allowTo':
    'shop/api: allowTo.ports must name at least one port: an empty list in a NetworkPolicy opens every port (got []); give the ports, e.g. [{ port: 5432 }]',
  'an ingress rule for a port the service does not declare':
    'shop/api: service.ingress[0].ports[0].port is not a port the service declares (8080/TCP): the rule would admit traffic the service was not declared to take (got 9090); declare it in service.ports, or admit one of the declared ports',
  'an ingress rule for the Service port rather than the pod port':
    "shop/api: service.ingress[0].ports[0].port is not a port the service declares (8080/TCP): the rule would admit traffic the service was not declared to take (got 80); use 8080: NetworkPolicy ports are the pod's, and servicePort 80 forwards to 8080",
  'allowFrom for an undeclared port':
    'shop/api: allowFrom.ports[0].port is not a port the service declares (8080/TCP): the rule would admit traffic the service was not declared to take (got 22); declare it in service.ports, or admit one of the declared ports',
  'allowFrom without ports on a service that declares none':
    'shop/w: allowFrom.ports must be given because the service declares no ports: a NetworkPolicy rule without ports admits every port (got nothing); declare the ports in service.ports, or give the ports the rule admits',
  'a shared endpoint on loopback':
    'chat: sharedEndpoints[0].host is in or overlaps 127.0.0.0/8, loopback: every pod would reach itself, not the component (got "127.0.0.1"); give the address or range of the component itself, outside loopback, link-local and metadata ranges',
  'a shared endpoint on IPv6 loopback':
    'chat: sharedEndpoints[0].addresses[0] is in or overlaps ::1/128, loopback: every pod would reach itself, not the component (got "::1"); give the address or range of the component itself, outside loopback, link-local and metadata ranges',
  'a shared endpoint at the cloud metadata server':
    "chat: sharedEndpoints[0].addresses[0] is in or overlaps 169.254.0.0/16, link-local, home of the cloud metadata server (169.254.169.254): every pod could read the node's cloud credentials (got \"169.254.169.254\"); give the address or range of the component itself, outside loopback, link-local and metadata ranges",
  'a shared endpoint at the metadata server inside IPv6':
    "chat: sharedEndpoints[0].addresses[0] is in or overlaps 169.254.0.0/16, link-local, home of the cloud metadata server (169.254.169.254): every pod could read the node's cloud credentials (got \"::ffff:169.254.169.254\"); give the address or range of the component itself, outside loopback, link-local and metadata ranges",
  'a shared endpoint at an IPv6 link-local address':
    'chat: sharedEndpoints[0].addresses[0] is in or overlaps fe80::/10, link-local (got "fe80::1"); give the address or range of the component itself, outside loopback, link-local and metadata ranges',
  'a shared endpoint at the unspecified address':
    'chat: sharedEndpoints[0].host is in or overlaps 0.0.0.0/8, the unspecified address range ("this host") (got "0.0.0.0"); give the address or range of the component itself, outside loopback, link-local and metadata ranges',
  'a shared endpoint named localhost':
    "chat: sharedEndpoints[0].host names the pod itself or a cloud metadata server, not a shared component (got \"localhost\"); use the component's own DNS name or address, e.g. 'pg.data.example.com'",
  'a shared endpoint at the metadata server by name':
    "chat: sharedEndpoints[0].host names the pod itself or a cloud metadata server, not a shared component (got \"metadata.google.internal\"); use the component's own DNS name or address, e.g. 'pg.data.example.com'",
  'a shared endpoint at a numeric host name':
    "chat: sharedEndpoints[0].host is neither a DNS name nor an IP address in its one plain spelling (resolvers read numeric names such as 127.1 or 010.0.0.1 as addresses) (got \"127.1\"); use the component's own DNS name or address, e.g. 'pg.data.example.com'",
  'a shared endpoint at an octal-looking address':
    "chat: sharedEndpoints[0].host is neither a DNS name nor an IP address in its one plain spelling (resolvers read numeric names such as 127.1 or 010.0.0.1 as addresses) (got \"010.0.0.1\"); use the component's own DNS name or address, e.g. 'pg.data.example.com'",
  'a shared endpoint with a zone in its address':
    "chat: sharedEndpoints[0].addresses[0] must be a DNS name or an IP address (got \"fe80::1%eth0\"); use e.g. '10.30.0.21', the component's own address",
  'a shared endpoint network over the link-local range':
    "chat: sharedEndpoints[0].network is in or overlaps 169.254.0.0/16, link-local, home of the cloud metadata server (169.254.169.254): every pod could read the node's cloud credentials (got \"169.254.0.0/16\"); give the address or range of the component itself, outside loopback, link-local and metadata ranges",
  'a shared endpoint network of every address':
    'chat: sharedEndpoints[0].network is in or overlaps 0.0.0.0/8, the unspecified address range ("this host") (got "0.0.0.0/0"); give the address or range of the component itself, outside loopback, link-local and metadata ranges',
  'a shared endpoint network with host bits set':
    'chat: sharedEndpoints[0].network has host bits set, so the range it admits is not the one written (got "10.30.0.1/24"); write "10.30.0.0/24"',
  'a peer CIDR that is malformed':
    "shop/api: service.egress[0].to.cidr is not a CIDR range (an IPv4 or IPv6 address, a slash and a prefix length) (got \"10.0.0.0/33\"); use e.g. '10.0.0.0/16' or 'fd00::/64'",
  'a peer exception outside its range':
    'shop/api: service.egress[0].to.except[0] must be a smaller range inside 10.0.0.0/16 (got "192.168.0.0/24"); list only ranges inside the admitted one',
  'trust with a trailing comment':
    'shop/db: postgresql.pgHba[0] lets clients in without a password (got "host all all 0.0.0.0/0 trust # temporary"); use scram-sha-256 (or peer for local sockets)',
  'trust in upper case':
    'shop/db: postgresql.pgHba[0] lets clients in without a password (got "host all all 10.0.0.0/8 TRUST"); use scram-sha-256 (or peer for local sockets)',
  'trust in quotes':
    'shop/db: postgresql.pgHba[0] lets clients in without a password (got "host all all 10.0.0.0/8 \\"trust\\""); use scram-sha-256 (or peer for local sockets)',
  'trust for local sockets':
    'shop/db: postgresql.pgHba[0] lets clients in without a password (got "local all all trust"); use scram-sha-256 (or peer for local sockets)',
  'trust with an address and a mask':
    'shop/db: postgresql.pgHba[0] lets clients in without a password (got "host all all 10.0.0.0 255.0.0.0 trust"); use scram-sha-256 (or peer for local sockets)',
  'trust after a newline':
    'shop/db: postgresql.pgHba[0] must be one line: a line break or tab would split or corrupt the line it is written on (got "host all all 10.0.0.0/8 scram-sha-256\\nhost all all 0.0.0.0/0 trust"); remove the line breaks and tabs',
  'trust through clientCidrs':
    "shop/db: postgresql.clientCidrs[0] is not a CIDR range (an IPv4 or IPv6 address, a slash and a prefix length) (got \"0.0.0.0/0 trust\"); use e.g. '10.0.0.0/16' or 'fd00::/64'",
  'a keyword through clientCidrs':
    "shop/db: postgresql.clientCidrs[0] is not a CIDR range (an IPv4 or IPv6 address, a slash and a prefix length) (got \"all\"); use e.g. '10.0.0.0/16' or 'fd00::/64'",
  'an include in pg_hba':
    'shop/db: postgresql.pgHba[0] includes rules from another file, which nobody reviews with this code (got "include /tmp/extra.conf"); list every rule here',
  'a pg_hba rule continued on the next line':
    'shop/db: postgresql.pgHba[0] ends with a backslash, which continues the rule on the next line (got "host all all 10.0.0.0/8 \\\\"); give the whole rule in one entry',
  'PgBouncer auth type trust':
    'shop/db: auth.type lets clients in without a password (got "trust"); use "scram-sha-256"',
  'PgBouncer auth type any in upper case':
    'shop/db: auth.type lets clients in without a password (got " ANY"); use "scram-sha-256"',
  'a HAProxy runtime API on every address':
    'shop/lb: statsSocket must be a unix socket or a loopback address: the runtime API it serves can take every server out of rotation (got "ipv4@0.0.0.0:9999"); use e.g. "/var/run/haproxy/admin.sock" or "ipv4@127.0.0.1:9999"',
  'a HAProxy runtime API on a routable address':
    'shop/lb: statsSocket must be a unix socket or a loopback address: the runtime API it serves can take every server out of rotation (got "10.0.0.5:9999"); use e.g. "/var/run/haproxy/admin.sock" or "ipv4@127.0.0.1:9999"',
  'a HAProxy stats page on every address':
    'shop/lb: stats.bindAddress must be a loopback address: the stats page shows every server and its state to whoever reaches it (got "0.0.0.0"); use "127.0.0.1" (the default)',
  'synchronous_commit false':
    'shop/db: parameters.synchronous_commit contradicts synchronous: the primary would acknowledge commits before the synchronous standby has them (got "false"); use "on" or "remote_apply", or set synchronous: false',
  'synchronous_commit OFF':
    'shop/db: parameters.synchronous_commit contradicts synchronous: the primary would acknowledge commits before the synchronous standby has them (got "OFF"); use "on" or "remote_apply", or set synchronous: false',
  'synchronous_commit 0':
    'shop/db: parameters.synchronous_commit contradicts synchronous: the primary would acknowledge commits before the synchronous standby has them (got 0); use "on" or "remote_apply", or set synchronous: false',
  'synchronous_commit the boolean false':
    'shop/db: parameters.synchronous_commit contradicts synchronous: the primary would acknowledge commits before the synchronous standby has them (got false); use "on" or "remote_apply", or set synchronous: false',
  'synchronous_commit local':
    'shop/db: postgresql.parameters.synchronous_commit contradicts synchronousMode: the primary would acknowledge commits before the synchronous standby has them (got "local"); use "on" or "remote_apply", or set synchronousMode: false',
  'synchronous_commit no PostgreSQL value':
    'shop/db: parameters.synchronous_commit is not a value PostgreSQL accepts for synchronous_commit, so the server would not start (got "of"); use "on", "remote_apply", "remote_write", "local" or "off"',
  'a control character in a parameter':
    'shop/db: parameters.work_mem contains the control character U+0000, which config files, shells and terminals do not carry intact (got "4MB\\u0000"); remove it',
  'a tab in a parameter':
    'shop/db: parameters.search_path must be one line: a line break or tab would split or corrupt the line it is written on (got "app,\\tpublic"); remove the line breaks and tabs',
  'a newline in a parameter':
    'shop/db: parameters.log_line_prefix must be one line: a line break or tab would split or corrupt the line it is written on (got "%m\\n"); remove the line breaks and tabs',
  'a PatroniCluster name whose StatefulSet pods could never be created':
    'shop/db: name must be at most 52 characters: the StatefulSet "<name>" must stay within 52 (got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); use a shorter name, e.g. "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
  'a RedisSentinel name whose Sentinel StatefulSet pods could never be created':
    'shop/cache: name must be at most 43 characters: the Sentinel StatefulSet "<name>-sentinel" must stay within 52 (got "cccccccccccccccccccccccccccccccccccccccccccc"); use a shorter name, e.g. "ccccccccccccccccccccccccccccccccccccccccccc"',
  'a construct id that names every object and is not a DNS label':
    'shop/Orders_DB: id must be a DNS-1123 label starting with a letter (lowercase letters, digits and \'-\', at most 63 characters) (got "Orders_DB"); use e.g. "orders-db"',
  'a partOf longer than a label value':
    'shop/api: service.partOf is not a valid label value (got "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"); use at most 63 letters, digits, -, _ and ., alphanumeric at both ends',
  'a label key with two slashes':
    "shop/api: service.labels.example.com/a/b is not a label key: it must be a name of at most 63 letters, digits, -, _ and ., alphanumeric at both ends, after an optional prefix such as example.com/ (got \"example.com/a/b\"); use e.g. 'example.com/site' or 'tier'",
  'a label key with an upper-case prefix':
    "shop/api: service.labels.Example.com/team is not a label key: it has a prefix that is not a lowercase DNS subdomain of at most 253 characters (got \"Example.com/team\"); use e.g. 'example.com/site' or 'tier'",
  'an annotation key with a space':
    "shop/api: service.annotations.owner team is not an annotation key: it must be a name of at most 63 letters, digits, -, _ and ., alphanumeric at both ends, after an optional prefix such as example.com/ (got \"owner team\"); use e.g. 'example.com/owner' or 'prometheus.io/scrape'",
  'a PriorityClass name with upper case':
    "shop/api: priorityClass must be the name of a PriorityClass: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', alphanumeric at both ends, at most 253 characters) (got \"High\"); use e.g. \"hadr-high-availability\"",
  'a storageClassName with a space':
    "shop/db: storageClassName must be the name of a StorageClass: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', alphanumeric at both ends, at most 253 characters) (got \"fast ssd\"); use e.g. \"fast-ssd\"",
  'a ConfigMap key with a space':
    "shop/api: service.env.MODE.key must be a key of a ConfigMap: letters, digits, '-', '_' and '.' (not '.', '..' or starting with '..'), at most 253 characters (got \"run mode\"); use e.g. 'config.yaml'",
  'a fieldRef path the downward API does not give':
    "shop/api: service.env.IP.fieldPath is not a field the downward API gives an environment variable (got \"status.podIp\"); use one of metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs, metadata.labels['<key>'] or metadata.annotations['<key>']",
  'a fieldRef label subscript without a valid key':
    "shop/api: service.env.TEAM.fieldPath is not a field the downward API gives an environment variable (got \"metadata.labels['bad key']\"); use one of metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs, metadata.labels['<key>'] or metadata.annotations['<key>']",
  'a probe scheme in lower case':
    'shop/api: service.healthCheck.scheme must be one of "HTTP", "HTTPS", spelled exactly (got "https"); use "HTTP"',
  'a health path with a space':
    'shop/api: service.healthPath must be a request path without spaces or non-ASCII characters (percent-encode them) (got "/health check"); use "/health%20check"',
  'replicas past int32':
    'shop/api: replicas must be at most 2147483647 (a Kubernetes int32) (got 2147483648); use 3 (the default)',
  'a failure threshold past int32':
    'shop/api: service.probeTimings.readiness.failureThreshold must be a whole number from 1 to 2147483647 (got 2147483648); use e.g. 3',
  'a probe period past int32 seconds':
    'shop/api: service.probeTimings.liveness.period must be at most 2147483647 seconds (a Kubernetes int32) (got 30000 days); use e.g. Duration.seconds(10)',
  'a user id past int32':
    'shop/api: service.runAs must be a numeric non-root user and group, from 1 to 2147483647 (got {"user":2147483648,"group":10001}); use e.g. { user: 10001, group: 10001 }',
  'members past int32':
    'shop/db: members must be at most 2147483647 (a Kubernetes int32) (got 2147483649); use 3 or 5',
  'an autoscaling maximum past int32':
    'shop/api: service.autoscale.max must be at most 2147483647 (a Kubernetes int32) (got 2147483648); use e.g. 20',
  'a startup timeout whose threshold is past int32':
    "shop/api: service.startupTimeout must be at most 10737418235 seconds (the probe's failure threshold is a Kubernetes int32) (got 200000 days); use e.g. Duration.minutes(5)",
  'a disruption budget past int32':
    "shop/api: disruptionBudget.maxUnavailable must be a whole number of pods or a percentage from 0% to 100% (got 2147483648); use e.g. 1 or '25%'",
  'a serviceAccountName with upper case':
    "shop/api: service.serviceAccountName must be the name of a ServiceAccount: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', alphanumeric at both ends, at most 253 characters) (got \"API\"); use e.g. \"api\"",
  'a mount path with a doubled slash':
    "shop/api: service.files[0].path must be written plainly: no '.' or '..' segments, no doubled or trailing slash, no ':' (got \"/etc//api\"); use \"/etc/api\"",
  'an image with an upper-case repository':
    "shop/api: service.image is not an image reference a container runtime can pull: the repository path is lowercase letters, digits and separators (._-), the tag at most 128 word characters (got \"ghcr.io/Acme/API:1.0.0\"); use e.g. 'ghcr.io/acme/api:1.4.2'",
  'an image tagged Latest in another case':
    "shop/api: service.image must not use the 'latest' tag: each cluster would run whatever was pushed last (got \"ghcr.io/acme/api:LATEST\"); pin a version, e.g. 'ghcr.io/acme/api:1.0.0', or a digest",
  'a protocol in lower case':
    'shop/api: service.ports[0].protocol must be one of "TCP", "UDP", spelled exactly (got "udp"); use "TCP"',
  'a writable path with ..':
    "shop/api: service.writablePaths[0] must be written plainly: no '.' or '..' segments, no doubled or trailing slash, no ':' (got \"/tmp/../etc\"); use \"/tmp/etc\"",
  'a scheduling rule spelled another way':
    'shop/api: nodeAntiAffinity must be one of "required", "preferred", "none", spelled exactly (got "Required"); use "required"',
  'a namespace on the chart that is not a DNS label':
    "shop/api: scope is in chart shop, whose namespace is not a DNS-1123 label, so no object of it could be created (got \"Shop_NS\"); give the chart a namespace of lowercase letters, digits and '-', e.g. new Chart(app, 'shop', { namespace: 'shop' })",
  'a cluster name that makes an Argo CD Application name longer than a label':
    'chat-suite-for-the-contact-centres: clusters[0].name with the topology "chat-suite-for-the-contact-centres" names the Argo CD Application "chat-suite-for-the-contact-centres-datacentre-one-room-a-cluster", longer than the 63 characters of the label Argo CD tracks it by (got "datacentre-one-room-a-cluster"); use a shorter cluster name or topology id',
  'two services with the same name in one chart':
    'shop/api-v2: service.name would name the Deployment "api", but shop/api already writes the Deployment "api" in namespace "shop": one would overwrite the other (got "api"); give service.name another value, so every Deployment in the namespace has its own name',
  'a service named like the pooler of a PatroniCluster':
    'shop/pooler: service.name would name the Deployment "db-pooler", but shop/db already writes the Deployment "db-pooler" in namespace "shop": one would overwrite the other (got "db-pooler"); give service.name another value, so every Deployment in the namespace has its own name',
  'a PatroniCluster whose replica Service a service already took':
    'shop/db: name would name the Service "db-replica", but shop/reports already writes the Service "db-replica" in namespace "shop": one would overwrite the other (got "db"); give name another value, so every Service in the namespace has its own name',
  'a service named like the Endpoints Patroni writes':
    'shop/failover: service.name would name the Service "db-failover", but shop/db already writes the Endpoints "db-failover" in namespace "shop": one would overwrite the other (got "db-failover"); give service.name another value, so every Service in the namespace has its own name',
  'a service named like the Sentinel Service of a RedisSentinel':
    'shop/sentinel: service.name would name the Service "cache-sentinel", but shop/cache already writes the Service "cache-sentinel" in namespace "shop": one would overwrite the other (got "cache-sentinel"); give service.name another value, so every Service in the namespace has its own name',
  'a service named like a shared endpoint':
    'chat: sharedEndpoints[0].name is the name of a service of the topology (got "postgres"); give every Service in the namespace its own name',
  'a user label overriding the instance label':
    'shop/api: service.labels.app.kubernetes.io/instance is a label the library sets: it selects the pods: overriding it would detach them from their Deployment, Service and budget (got "app.kubernetes.io/instance"); use a label key of your own, e.g. example.com/team',
  'a user label overriding the name label':
    'shop/api: service.labels.app.kubernetes.io/name is a label the library sets: it selects the pods: overriding it would detach them from their Deployment, Service and budget (got "app.kubernetes.io/name"); use a label key of your own, e.g. example.com/team',
  'a user label overriding part-of':
    'shop/api: service.labels.app.kubernetes.io/part-of is a label the library sets: it is set from service.partOf (got "app.kubernetes.io/part-of"); set service.partOf instead',
  'a user label the Deployment controller sets':
    'shop/api: service.labels.pod-template-hash is a label the library sets: the Deployment controller sets it on every pod (got "pod-template-hash"); use a label key of your own, e.g. example.com/team',
  'a user label under a Kubernetes prefix':
    'shop/api: service.labels.node-role.kubernetes.io/control-plane is a label the library sets: its prefix is reserved for Kubernetes and this library (got "node-role.kubernetes.io/control-plane"); use a label key of your own, e.g. example.com/team',
  'U+2028 in an environment value':
    'shop/api: service.env.GREETING contains U+2028, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "hello\\u2028world"); remove it, or use a plain space',
  'U+2029 in an annotation value':
    'shop/api: service.annotations.example.com/note contains U+2029, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "a\\u2029b"); remove it, or use a plain space',
  'U+0085 in an argument':
    'shop/api: service.args[0] contains U+0085, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "--name=a\\u0085b"); remove it, or use a plain space',
  'an octal-looking environment value':
    "shop/api: service.env.UMASK would be read as the number 18 by Go's YAML reader (kubectl, Argo CD, Flux), not as this text: YAML 1.1 writers leave it unquoted (got \"0o22\"); write it so it does not read as a number, e.g. \"v0o22\"",
  'an octal-looking label value with a sign':
    "shop/api: service.labels.example.com/mode would be read as the number -15 by Go's YAML reader (kubectl, Argo CD, Flux), not as this text: YAML 1.1 writers leave it unquoted (got \"-0o17\"); write it so it does not read as a number, e.g. \"v-0o17\"",
  'a carriage return in an argument':
    'shop/api: service.args[0] contains the control character U+000D, which config files, shells and terminals do not carry intact (got "--flag\\r"); remove it',
  'a bidirectional override in a label key':
    'shop/api: service.annotations.example.com/\\u202eowner (the key) contains U+202E, a bidirectional control that makes the text read differently from what it is in every review (got "example.com/\\u202eowner"); remove it',
  'a byte-order mark in an image':
    'shop/api: service.image contains U+FEFF, which YAML readers drop or refuse (got "\\ufeffghcr.io/acme/api:1.0.0"); remove it',
  'U+2028 in a GitOps path':
    'chat: gitOps.path contains U+2028, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "deploy\\u2028x"); remove it, or use a plain space',
  'U+2028 in a Patroni parameter':
    'shop/db: parameters.application_name contains U+2028, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "a\\u2028b"); remove it, or use a plain space',
  'an octal-looking Patroni parameter':
    "shop/db: parameters.application_name would be read as the number 493 by Go's YAML reader (kubectl, Argo CD, Flux), not as this text: YAML 1.1 writers leave it unquoted (got \"0o755\"); write it so it does not read as a number, e.g. \"v0o755\"",
  'U+2028 in a Redis directive':
    'shop/cache: redisDirectives[0][1] contains U+2028, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "E\\u2028x"); remove it, or use a plain space',
  'U+2028 in a cluster label':
    'chat: clusters[0].zones[0] contains U+2028, which YAML 1.1 readers (kubectl, Argo CD, Flux, Patroni) take for a line break, so the value would change on its way (got "a\\u2028"); remove it, or use a plain space',
  'a HAProxy client timeout of 2^31 ms':
    'shop/lb: listeners[0].clientTimeout must be below 2^31 milliseconds (about 24.8 days): HAProxy refuses a longer timer ("timer overflow") (got 24 days 20 hours); use e.g. Duration.minutes(30)',
  'a HAProxy connect timeout of 25 days':
    'shop/lb: connectTimeout must be below 2^31 milliseconds (about 24.8 days): HAProxy refuses a longer timer ("timer overflow") (got 25 days); use e.g. Duration.minutes(30)',
  'a HAProxy stats refresh of 30 days':
    'shop/lb: stats.refresh must be below 2^31 milliseconds (about 24.8 days): HAProxy refuses a longer timer ("timer overflow") (got 30 days); use e.g. Duration.minutes(30)',
  'a HAProxy check interval of 2^31 ms':
    'shop/lb: listeners[0].serverChecks.inter must be below 2^31 milliseconds (about 24.8 days): HAProxy refuses a longer timer ("timer overflow") (got 24 days 20 hours); use e.g. Duration.minutes(30)',
  'a balancer check interval of 30 days':
    'chat: loadBalancing.balancer.checkInterval must be below 2^31 milliseconds (about 24.8 days): HAProxy refuses a longer timer ("timer overflow") (got 30 days); use e.g. Duration.seconds(2)',
  'a Sentinel down-after of 2^31 ms':
    'shop/cache: timing.downAfter must be below 2^31 milliseconds (about 24.8 days): Sentinel reads it as a 32-bit number, and a larger one wraps around (got 2147483648 millis); use e.g. Duration.seconds(5)',
  'a Sentinel failover timeout of 25 days':
    'SentinelTiming.custom: failoverTimeout must be below 2^31 milliseconds (about 24.8 days): Sentinel reads it as a 32-bit number, and a larger one wraps around (got 2160000 seconds); use e.g. Duration.seconds(5)',
  'a hand-built Sentinel timing past 2^31 ms on the construct':
    'shop/cache: timing.failoverTimeout must be below 2^31 milliseconds (about 24.8 days): Sentinel reads it as a 32-bit number, and a larger one wraps around (got 2147483648 millis); use e.g. Duration.seconds(5)',
  'a Sentinel timer past 2^31 in a directive':
    'shop/cache: extraDirectives[0] has a number of 2^31 or more, which Sentinel reads as a 32-bit integer and wraps around (got "2147483648"); use a value below 2147483648 (for timers, about 24.8 days)',
  'a balance algorithm HAProxy does not know':
    'shop/lb: listeners[0].balance must be one of roundrobin, leastconn, first, source, spelled exactly: HAProxy refuses any other (got "fastest"); use "roundrobin"',
  'a balance algorithm in upper case':
    'shop/lb: listeners[0].balance must be one of roundrobin, leastconn, first, source, spelled exactly: HAProxy refuses any other (got "ROUNDROBIN"); use "roundrobin"',
  'a regex with an unbalanced group':
    'shop/lb: listeners[0].tcpCheck[0].expectRegex is not a regular expression HAProxy compiles (checked strictly: balanced groups, valid ranges and escapes, at most 1024 characters) (got "role:(master"); e.g. "role:master\\r\\n"',
  'a regex with a reversed range':
    'shop/lb: listeners[0].tcpCheck[0].expectRegex is not a regular expression HAProxy compiles (checked strictly: balanced groups, valid ranges and escapes, at most 1024 characters) (got "[z-a]"); e.g. "role:master\\r\\n"',
  'a regex that backtracks without end':
    'shop/lb: listeners[0].tcpCheck[0].expectRegex nests a repeated group inside a repetition, which can backtrack for as long as a reply takes to fail (got "(a+)+$"); repeat a single item, e.g. "(ab)+" rather than "(a+)+"',
  'a regex with a dangling escape':
    'shop/lb: listeners[0].tcpCheck[0].expectRegex is not a regular expression HAProxy compiles (checked strictly: balanced groups, valid ranges and escapes, at most 1024 characters) (got "role\\\\"); e.g. "role:master\\r\\n"',
  'a PgBouncer pool mode, named by the construct path and the prop':
    'shop/db: pooler.poolMode must be one of "transaction", "session", "statement", spelled exactly (got "bogus"); use "transaction"',
  'a pooler image, named by the prop':
    "shop/db: pooler.image must not use the 'latest' tag: each cluster would run whatever was pushed last (got \"pgbouncer:latest\"); pin a version, e.g. 'pgbouncer:1.0.0', or a digest",
  'a RedisSentinel primary proxy image, named by the prop':
    "shop/cache: primaryProxy.image must not use the 'latest' tag: each cluster would run whatever was pushed last (got \"haproxy:latest\"); pin a version, e.g. 'haproxy:1.0.0', or a digest",
  'a PatroniCluster image, named by the prop':
    "shop/db: image must not use the 'latest' tag: each cluster would run whatever was pushed last (got \"spilo:latest\"); pin a version, e.g. 'spilo:1.0.0', or a digest",
  'Sentinel resources, named by the prop':
    'shop/cache: sentinelResources.cpu.request is above the limit (1) (got "2"); lower the request or raise the limit to at least 2',
  'a service of a topology, named by its index':
    "chat: services[0].image must not use the 'latest' tag: each cluster would run whatever was pushed last (got \"web:latest\"); pin a version, e.g. 'web:1.0.0', or a digest",
  'a plain JavaScript caller without props':
    "shop/api: props is required (got nothing); give e.g. { service: { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080 } }",
  'a plain JavaScript caller without a service':
    "shop/api: service is required (got nothing); give e.g. { name: 'api', image: 'ghcr.io/acme/api:1.4.2', port: 8080 }",
  'a plain JavaScript caller without storage':
    'shop/db: storage must be a positive Size (got nothing); use e.g. Size.gibibytes(100)',
  'a plain JavaScript caller with ports as a string':
    'shop/api: service.ports must be a list (got "8080"); give e.g. [{ port: 8080 }]',
  'a plain JavaScript caller without clusters':
    "chat: clusters is required (got nothing); give e.g. [{ name: 'dc1-a' }, { name: 'dc1-b' }]",
  'a plain JavaScript caller with a renderer spec of the wrong shape':
    'shop/db: dcs.hosts must be a list (got "etcd:2379"); give the value the type the spec documents',
  'a backup interval under an hour, in the constructor':
    'shop/db: backup.fullBackupInterval must be at least one hour: a full backup reads the whole database (got "1800 seconds"); use e.g. Duration.hours(24); WAL archiving covers the time between',
  'a Redis directive with a malformed name, the password never echoed':
    "shop/cache: extraDirectives[0] must be a directive name followed by its arguments (got \"Bad Name <1 argument>\"); write it as ['maxmemory-policy', 'noeviction']",
  'a KEDA maximum below the budget minAvailable + 1':
    "shop/worker: service.autoscale.max must be at least the PodDisruptionBudget's minAvailable + 1 (4): at 3 replicas no pod could be evicted and a drain blocks (got 3); use max: 4 or more, or a smaller minAvailable",
  'a Velero schedule that is not cron':
    "firebackup: operations.clusterBackup.schedule must be a cron expression of five fields (minute hour day-of-month month day-of-week) or a macro such as @daily (got \"0 25 * * *\"); use e.g. '0 3 * * *' (every day at 03:00)",
  'a backup retention that is not a duration':
    'firebackup: operations.clusterBackup.retention must be a Duration of whole seconds, at least 3600 seconds (got 30); use e.g. Duration.days(30)',
  'a sizing preset name that does not exist':
    'SizingPreset: name is not a sizing profile (got "xl"); use one of "small", "medium", "large", "enterprise"',
  'a sizing override that leaves one replica':
    'SizingPreset.small: serving.min/max must be whole numbers with 2 <= min < max: one replica alone is no high availability (got "1/4"); use e.g. { min: 2, max: 4 }',
  'an RTO too short for the scrape interval to page within':
    'firebackup: targets.rto cannot be alerted on in time: an outage is seen after two scrapes (240 s), and that must fit in a quarter of the RTO (got "900 seconds"); scrape more often (monitoring.scrapeInterval) or accept an RTO of at least 960 seconds',
  'an exporter image without a tag':
    "shop/db: metrics.image has no tag or digest, so it means latest (got \"quay.io/prometheuscommunity/postgres-exporter\"); pin a version, e.g. 'quay.io/prometheuscommunity/postgres-exporter:1.0.0', or a digest 'quay.io/prometheuscommunity/postgres-exporter@sha256:...'",
};

import { PHASES } from './option-defaults.js';
import { PEER_LEVELS, PEER_PATHS, PEER_TARGETS, PEER_USERS } from './peer-selection.js';

/** The bench's command line, printed by --help and after a bad flag. */
export const USAGE = `Usage: npm run bench -- [flags]        (or: node bench/dist/run.js [flags])

  --quick                     small sizes for a smoke run (saved as <timestamp>-quick.json)
  --only <list>               comma-separated phases to run: ${PHASES.join(',')}; also peers (Confab
                              against a hand-written Socket.IO server), idle, soak, grow and encryption, run only when named)
  --no-save                   print only; write nothing to bench/results
  --client lite|ws            load-generator WebSocket client: a minimal one that parses frames in
                              place (default), or the \`ws\` package's (costs the generator more CPU)
  --timeout <s>               abort the whole run after this long (default 1800; quick 300)

 peer comparison (--only peers): a focused run, e.g. Confab alone at 100 socket senders to A/B a build
  --peer-targets <list>       of ${PEER_TARGETS.join(',')} (default all; the ratios need the peer)
  --peer-levels <list>        senders per level                          (default ${PEER_LEVELS.join(',')})
  --peer-paths <list>         of ${PEER_PATHS.join(',')}                           (default both)
  --peer-users <list>         who sends: each (a user per sender) and/or a number of users the senders
                              share, each sender on its own connection; a level runs a number only
                              when it is below its senders                (default ${PEER_USERS.join(',')})
                              a run with fewer than all is saved, but never as results/peers-latest.json

 scale-out and store comparison
  --nodes <n>                 above 1: throughput, latency and fan-out against <n> nodes on PostgreSQL +
                              Redis (clients spread over them) and against 1 node on SQLite, side by
                              side, plus cross-node delivery latency (senders on one node, receivers on
                              the others); the other phases do not run (default 1)
  --stores <list>             the comparison on these stores, in this order: of sqlite,postgres,mariadb
                              (mysql: the same), each on --nodes nodes (SQLite on one; Redis between
                              nodes only when there are several), e.g. --stores sqlite,postgres,mariadb
                              alone: one node on each (default with --nodes: postgres[,mariadb],sqlite)
  --postgres <url>            database the comparison makes its own schema in, and drops
                              (default $CONFAB_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --mysql <url>               the scale-out comparison also runs its nodes on this MySQL/MariaDB server
                              + Redis, in a database of its own (default $CONFAB_BENCH_MYSQL_URL; unset: not
                              run, except that --stores …,mariadb uses mysql://root@127.0.0.1:3306/mysql)
  --redis <url>               Redis for the comparison, on a channel prefix of its own
                              (default $CONFAB_BENCH_REDIS_URL or redis://127.0.0.1:6379)

 durable sends (closed loop, acks/s)
  --clients <n>               WebSocket clients, one user each          (default 50; quick 10)
  --conversations <n>         groups the clients are spread over        (default 10; quick 2)
  --window <n>                outstanding sends per client              (default 16; quick 8)
  --warmup <s>                unmeasured warm-up before each timed phase (default 2; quick 1)
  --duration <s>              measured duration                          (default 10; quick 3)
  --body-bytes <n>            message body size                          (default 100)
  --mix <kind=share,…>        the mixed phase's actions other than plain sends (default
                              reply=0.1,reaction=0.1,edit=0.02,delete=0.01; one kind alone prices it)

 ack latency (open loop)
  --latency-rate <n>          offered sends/s                            (default 2000)
  --latency-duration <s>      measured duration                          (default 10; quick 3)

 fan-out (one group, one socket per member)
  --fanout-members <n>        members = connected sockets                (default 1000; quick 100)
  --fanout-messages <n>       measured messages                          (default 500; quick 100)
  --fanout-warmup <n>         unmeasured messages first                  (default 30; quick 10)
  --fanout-window <n>         messages in flight (not yet received by every socket) (default 4)

 upload (delivery to --fanout-members sockets, alone and while a 25 MiB image uploads)
  --upload-rate <n>           messages/s into the group, open loop        (default 20)
  --upload-duration <s>       each of the two windows                     (default 10; quick 4)
  --upload-bytes <n>          the uploaded PNG's size                     (default 26214400)

 login (delivery to --fanout-members sockets at --upload-rate, alone and while others sign in)
  --login-rate <n>            logins/s, open loop, from a process of its own (default 50)
  --login-duration <s>        each of the two windows                     (default 10; quick 4)

 idle (sockets held open: server RSS per socket, delivery to --fanout-members at --upload-rate)
  --idle-sockets <n>          signed-in sockets, one user each, in 5 groups each (default 19000; quick 2000)
  --idle-group-size <n>       members of each of those groups              (default 20)
  --idle-store sqlite|postgres  the server: one node on SQLite, or one cluster node on PostgreSQL +
                              Redis (--postgres, --redis; a schema and prefix of its own) (default sqlite)

 soak (--only soak, run only when named): a steady open loop for minutes, figures by window
  --soak-sockets <n>          sockets, one user each, in --soak-groups groups  (default 500; quick 100)
  --soak-groups <n>           groups; the first member of each sends           (default 10; quick 2)
  --soak-rate <n>             messages/s over all groups                       (default 300; quick 50)
  --soak-duration <s>         how long                                         (default 600; quick 30)
  --soak-window <s>           the windows' length                              (default 15; quick 5)
  --soak-store sqlite|postgres  one node on SQLite, or one cluster node on PostgreSQL + Redis
                              (--postgres, --redis; a schema and prefix of its own) (default sqlite)

 reconnect storm (every client dropped at once, all resume at once while messages flow)
  --storm-clients <n>         WebSocket clients, one user each          (default 2000; quick 200)
  --storm-conversations <n>   groups they are spread over, +1 sender each (default 20)
  --storm-rate <n>            offered messages/s into the groups, the whole phase (default 200)
  --storm-warmup <s>          messages flowing before the disconnect    (default 3; quick 2)
  --storm-outage <s>          disconnect → reconnect (0: at once)        (default 0)
  --storm-sender-after <s>    the sender stops this long after the reconnect starts (default 2)
  --storm-reconnect-concurrency <n>  handshakes in flight during the reconnect (0: all at once) (default 0)
  --storm-timeout <s>         bound on catching up, from the disconnect (default 60; quick 30)

 baselines
  --sqlite-duration <s>       per SQLite variant                         (default 3; quick 1)
  --sqlite-batch <n>          rows per transaction, batched variant      (default 100)

 full-text search (a SQLite store filled in bulk, searched through the REST API)
  --search-messages <n>       messages stored, spread over --search-conversations <n> (default 1000000
                              over 1000; quick 100000); the searcher is in --search-member-of <n> (100)
  --search-requests <n>       sequential requests per query (default 200; quick 50); --search-rank-window <n>

 large instance (--only grow, run only when named; its own server, seeded in bulk, then timed as a client)
  --grow-store sqlite|postgres  one node on SQLite, or one cluster node on PostgreSQL + Redis (default sqlite)
  --grow-users <n>            users                                     (default 100000; quick 2000)
  --grow-messages <n>         messages                                  (default 10000000; quick 200000)
  --grow-conversations <n>    conversations                             (default 20000; quick 2000)
  --grow-user-conversations <n>  the measured user's, the biggest among them (default 2000; quick 200)
  --grow-big-messages <n>     messages of the biggest conversation      (default 1000000; quick 50000)
  --grow-resume <list>        events missed by each resume measured     (default 1000,10000; quick 100,1000)
  --grow-requests <n>         history pages and searches per query      (default 200; quick 100)
  --grow-sign-ins <n>         sign-ins, each loading the whole list     (default 5; quick 3)
  --grow-keep                 keep the seeded store after the run (prints its schema or file, and how to drop it)
                              a full-size run takes hours: its timeout is 6 h unless --timeout says

 end-to-end encryption (--only encryption, run only when named; its own server, every device an SDK client here)
  --encryption-members <n>    members added in one commit, then the time until each reads (default 50; quick 10)
  --encryption-messages <n>   encrypted and as many plain messages, alternating, one at a time, between
                              the same two devices: send → receive               (default 1000; quick 50)
  --encryption-state-groups <list>  group sizes (devices) whose MLS state per device is weighed
                              (default 2,10,50, those at most --encryption-members + 1)
  --encryption-store sqlite|postgres  one node on SQLite, or one cluster node on PostgreSQL + Redis
                              (--postgres, --redis; a schema and prefix of its own) (default sqlite)

 set-up
  --register-concurrency <n>  registrations in flight (argon2 is ~10-30 ms each) (default 8)
  --connect-concurrency <n>   WebSocket handshakes in flight             (default 50)
  --server-node-args <s>   node flags for the Confab server, e.g. --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"
  --peer-node-args <s>     node flags for the peers phase's other servers (the Socket.IO peer, the floors), the same way
`;

// One implementation for the tests and `npm run faults` (which needs it built, in bench/).
export { TcpProxy } from '../../../bench/src/faults/tcp-proxy.js';

import { type NginxProcess, startNginx as startNginxWith } from '../../../bench/src/faults/nginx.js';
import { program } from './services.js';

export { DEPLOY_NGINX_CONF, type NginxProcess, renderNginxConf } from '../../../bench/src/faults/nginx.js';

/** nginx, for the tests that run deploy/nginx.conf in front of real nodes (CONFAB_TEST_NGINX: its path). */
export const nginxService = program({
  name: 'nginx',
  binary: 'nginx',
  env: 'CONFAB_TEST_NGINX',
  dirs: ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'],
  install: 'apt-get install nginx-light',
  versionArgs: ['-v'],
});

/** Runs nginx in the foreground with deploy/nginx.conf rendered into a temporary prefix. */
export async function startNginx(options: { listenPort: number; upstreams: readonly string[] }): Promise<NginxProcess> {
  const binary = nginxService.path();
  if (!binary) throw new Error('nginx is not installed');
  return startNginxWith(binary, options);
}

import { fileEvent, networkEvent, processEvent } from './documents.js';
import type { Rng } from './prng.js';
import type { Proc, ProcessTree } from './process-tree.js';

export type Doc = Record<string, unknown>;

const MAC_BINS = ['/bin/ls', '/usr/bin/git', '/bin/cat', '/usr/bin/grep', '/usr/bin/find', '/opt/homebrew/bin/node', '/usr/bin/ssh', '/usr/bin/curl', '/bin/ps', '/usr/bin/sed', '/usr/bin/awk', '/usr/bin/open', '/usr/sbin/networksetup', '/usr/bin/defaults', '/usr/bin/osascript', '/usr/bin/codesign', '/usr/bin/xcrun', '/usr/local/bin/brew', '/usr/bin/tar', '/usr/bin/plutil'];
const LINUX_BINS = ['/usr/bin/ls', '/usr/bin/git', '/usr/bin/cat', '/usr/bin/grep', '/usr/bin/find', '/usr/bin/node', '/usr/bin/ssh', '/usr/bin/curl', '/usr/bin/ps', '/usr/bin/sed', '/usr/bin/awk', '/usr/bin/systemctl', '/usr/bin/journalctl', '/usr/bin/apt-get', '/usr/bin/docker', '/usr/bin/tar', '/usr/bin/rsync', '/usr/sbin/ip', '/usr/bin/crontab', '/usr/bin/make'];
const ARGS = ['-la', 'status', '--version', '-h', '/tmp', 'log --oneline -n 20', '-rf build', 'ps aux', '-q', 'https://example.org/health', '--json', '-v'];
const FILES_MAC = ['~/Library/Caches/com.apple.Safari/Cache.db', '~/Documents/report.docx', '~/Downloads/invoice.pdf', '/private/var/folders/x1/T/tmp.1234', '~/Library/Preferences/com.apple.finder.plist', '~/src/app/package.json', '~/src/app/index.js', '/Library/Logs/DiagnosticReports/x.ips'];
const FILES_LINUX = ['/var/log/syslog', '/tmp/build.log', '~/src/service/main.go', '/etc/hosts', '/var/lib/docker/overlay2/l/ABC', '~/.bash_history', '/var/cache/apt/pkgcache.bin', '/opt/app/config.yaml'];
const DESTS = ['140.82.112.3', '151.101.1.69', '13.107.42.14', '34.117.59.81', '172.217.14.110', '104.16.132.229'];

/** The usual roots of a host: launchd/systemd, a login shell per user session. */
export function bootHost(tree: ProcessTree, t0: number): { shells: Proc[]; daemons: Proc[] } {
  const mac = tree.host.os === 'macos';
  const init = tree.spawn(undefined, mac ? '/sbin/launchd' : '/usr/lib/systemd/systemd', [mac ? '/sbin/launchd' : '/sbin/init'], t0 - 86_400_000 * 3, 'root', 1);
  const login = mac
    ? tree.spawn(tree.spawn(init, '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal', ['/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal'], t0 - 7_200_000, tree.host.user), '/usr/bin/login', ['login', '-pf', tree.host.user], t0 - 7_100_000, 'root')
    : tree.spawn(tree.spawn(init, '/usr/sbin/sshd', ['sshd: /usr/sbin/sshd -D'], t0 - 86_400_000, 'root'), '/usr/sbin/sshd', [`sshd: ${tree.host.user} [priv]`], t0 - 7_200_000, 'root');
  const shell = tree.spawn(login, mac ? '/bin/zsh' : '/usr/bin/bash', [mac ? '-zsh' : '-bash'], t0 - 7_000_000, tree.host.user);
  const daemon = tree.spawn(init, mac ? '/usr/libexec/syspolicyd' : '/usr/sbin/cron', [mac ? '/usr/libexec/syspolicyd' : '/usr/sbin/cron', '-f'], t0 - 86_000_000, 'root');
  return { shells: [shell], daemons: [daemon] };
}

function home(tree: ProcessTree, p: string): string {
  return p.replace('~', `${tree.host.os === 'macos' ? '/Users' : '/home'}/${tree.host.user}`);
}

/**
 * Ordinary activity: commands from the shells (process start/end), files they touch, a few
 * connections. `count` events spread over [t0, t1).
 */
export function background(tree: ProcessTree, rng: Rng, roots: { shells: Proc[]; daemons: Proc[] }, t0: number, t1: number, count: number): Doc[] {
  const docs: Doc[] = [];
  const mac = tree.host.os === 'macos';
  const bins = mac ? MAC_BINS : LINUX_BINS;
  const files = mac ? FILES_MAC : FILES_LINUX;
  while (docs.length < count) {
    const t = t0 + Math.floor(rng.next() * (t1 - t0));
    const parent = rng.next() < 0.85 ? rng.pick(roots.shells) : rng.pick(roots.daemons);
    const exe = rng.zipf(bins);
    const p = tree.spawn(parent, exe, [exe.split('/').pop() as string, ...rng.zipf(ARGS).split(' ')], t);
    docs.push(processEvent(tree, p, 'start', t, rng));
    const roll = rng.next();
    if (roll < 0.5) docs.push(fileEvent(tree, p, rng.pick(['open', 'modification', 'creation']), rng.pick([['access'], ['change'], ['creation']]), home(tree, rng.zipf(files)), t + rng.int(5, 900), rng));
    else if (roll < 0.7) docs.push(networkEvent(tree, p, t + rng.int(5, 900), rng, rng.zipf(DESTS), rng.pick([443, 443, 80, 22])));
    if (rng.next() < 0.6) docs.push(processEvent(tree, p, 'end', t + rng.int(1000, 60_000), rng));
  }
  return docs;
}

import { spawnSync } from 'node:child_process';
import { SYSTEM_PYTHON } from './a11y-apps.js';

export interface OracleNode {
  name: string;
  role: string;
  states: string[];
  extents: [number, number, number, number] | null;
  text: string | null;
  value: number | null;
}

/**
 * An AT-SPI reader that shares no code with the server: libatspi through python3-pyatspi.
 * Lists every node of the app with process `pid`, depth first.
 */
const ORACLE = String.raw`
import json, sys
import pyatspi
pid = int(sys.argv[1])
out = []
def walk(node, depth):
    if node is None or depth > 60: return
    try:
        comp = node.queryComponent()
        ext = list(comp.getExtents(pyatspi.DESKTOP_COORDS))
    except Exception:
        ext = None
    try:
        t = node.queryText(); text = t.getText(0, -1)
    except Exception:
        text = None
    try:
        value = node.queryValue().currentValue
    except Exception:
        value = None
    out.append({'name': node.name or '', 'role': node.getRoleName(),
                'states': [pyatspi.stateToString(s) for s in node.getState().getStates()],
                'extents': ext, 'text': text, 'value': value})
    for child in node:
        walk(child, depth + 1)
desktop = pyatspi.Registry.getDesktop(0)
for app in desktop:
    if app is not None and app.get_process_id() == pid:
        walk(app, 0)
print(json.dumps(out))
`;

export function readWithOracle(env: NodeJS.ProcessEnv, pid: number): OracleNode[] {
  const run = spawnSync(SYSTEM_PYTHON, ['-c', ORACLE, String(pid)], {
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status !== 0) throw new Error(`the AT-SPI oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as OracleNode[];
}

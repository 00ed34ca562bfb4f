// Bundles the CLI (our code and @oclif/core) into dist/bundle/ with esbuild, so a command starts by
// reading a few files instead of ~500 modules: module resolution was most of the start-up time.
// Commands are handed to oclif through its "explicit" strategy (package.json oclif.commands), from a
// module generated here out of src/commands. Dynamic imports become separate chunks, so a command
// still loads only what it uses.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const commandsDir = path.join(root, 'src', 'commands');

function commandFiles(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return commandFiles(p);
    return f.endsWith('.ts') && !f.endsWith('.d.ts') ? [p] : [];
  });
}

const commandsModule = {
  name: 'aitbc-commands',
  setup(b) {
    b.onResolve({ filter: /^aitbc:commands$/ }, () => ({ path: 'commands', namespace: 'aitbc' }));
    b.onLoad({ filter: /.*/, namespace: 'aitbc' }, () => {
      const files = commandFiles(commandsDir).sort();
      const lines = files.map((f, i) => `import C${i} from ${JSON.stringify(f)};`);
      const entries = files.map((f, i) => {
        const id = path.relative(commandsDir, f).replace(/\.ts$/, '').split(path.sep).join(':');
        return `  ${JSON.stringify(id.replace(/:index$/, ''))}: C${i},`;
      });
      return {
        contents: `${lines.join('\n')}\nexport const COMMANDS = {\n${entries.join('\n')}\n};\n`,
        resolveDir: root,
        loader: 'js',
      };
    });
  },
};

// CJS dependencies inside an ESM bundle need `require`, and @oclif/core reads its own package.json
// relative to `__dirname`: give both, pointing at the installed @oclif/core.
const banner = [
  "import { createRequire as __aitbcCreateRequire } from 'node:module';",
  "import { dirname as __aitbcDirname } from 'node:path';",
  'const require = __aitbcCreateRequire(import.meta.url);',
  "const __aitbcOclifLib = __aitbcDirname(require.resolve('@oclif/core/package.json')) + '/lib';",
].join('\n');

const result = await build({
  entryPoints: { cli: path.join(root, 'src', 'cli', 'bundle-entry.ts') },
  outdir: path.join(root, 'dist', 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: banner },
  define: { __dirname: '__aitbcOclifLib' },
  // Only @oclif/core (the start-up cost) is bundled; every other package loads from node_modules as
  // usual, which keeps CommonJS interop (named exports of undici, ws, …) exactly as Node does it.
  external: [
    'typescript',
    'ts-node',
    'tsx',
    'node-llama-cpp',
    ...Object.keys(pkg.dependencies).filter((d) => d !== '@oclif/core'),
    ...Object.keys(pkg.devDependencies),
  ],
  plugins: [commandsModule],
  logLevel: 'warning',
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: Boolean(process.env.BUNDLE_META),
});
if (result.metafile) console.log(JSON.stringify(result.metafile));

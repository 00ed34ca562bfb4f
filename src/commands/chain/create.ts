import NodeInit from '../node/init.js';

/**
 * `chain create` adds a chain to the home exactly as `node init` does (one implementation: src/node/init.ts
 * over the protocol's buildGenesis); only the wording differs, for people who think of it as a chain
 * operation.
 */
export default class ChainCreate extends NodeInit {
  static override summary = 'Create a new chain: its genesis in <home>/node/chains/<chain-id>/';
  static override description =
    `Writes the genesis of a new chain into the home (node/chains/<chain-id>/genesis.json), with its validators (default: this node's key, created once in node/validator.json), allocations, an optional faucet and its consensus parameters. The node hosts every chain under node/chains/ and loads them at start: restart it to serve the new chain, then use --chain <chain-id> (or AITBC_CHAIN) with the other commands. Same as \`aitbc node init\`.`;
  static override examples = [
    '<%= config.bin %> chain create --chain-id team-net --unencrypted --faucet 1000000 --json',
    'AITBC_PASSWORD_FILE=pw.txt <%= config.bin %> chain create --chain-id prod-1 --alloc ait1…=5000 --block-time 2s',
  ];
}

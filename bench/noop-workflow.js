// The raw baseline's trivial workflow: it starts and completes.
async function benchNoop() {
  return 'ok';
}
module.exports = { benchNoop };

// The raw baseline's trivial workflows: one that starts and completes, and one that answers an
// update until it is told to stop.
const { condition, defineSignal, defineUpdate, setHandler } = require('@temporalio/workflow');

const pingUpdate = defineUpdate('ping');
const stopSignal = defineSignal('stop');

async function benchNoop() {
  return 'ok';
}

async function benchEcho() {
  let stopped = false;
  let count = 0;
  setHandler(pingUpdate, () => ++count);
  setHandler(stopSignal, () => {
    stopped = true;
  });
  await condition(() => stopped);
  return count;
}

module.exports = { benchNoop, benchEcho };

export { type ManagerFactory, outboxManagers, plainManager } from './client';
export { type FuzzCluster, startFuzzCluster, twoNodesAvailable } from './cluster';
export {
  isStrategyConfigName,
  type StrategyConfigName,
  strategyConfigNames,
  strategyConfigs,
} from './configs';
export { readHistory } from './invariants';
export { FuzzFailure, type FuzzStats, replayCommand, runFuzzScenario, type Until } from './scenario';

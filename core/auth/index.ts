// Authorization rules: public names (re-exported by core/index.ts).
export {
  CREATOR_POWER,
  POWER_DEFAULTS,
  creatorsOf,
  parsePowerLevel,
  powerLevelField,
  requiredPowerLevel,
  userPowerLevel,
} from "./power-levels.ts";

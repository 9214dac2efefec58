import type { Command, CommandGroup } from "../command.ts";
import { accountsCommands } from "./accounts.ts";
import { adminsCommands } from "./admins.ts";
import { keysCommands } from "./keys.ts";
import { backupCommand, healthCommand, migrateCommand, serveCommand } from "./lifecycle.ts";
import { migrateDbCommand } from "./migrate-db.ts";
import { modelsCommands } from "./models.ts";

/** Commands without sub-actions: running and maintaining the server. */
export const COMMANDS: Command[] = [
  serveCommand,
  migrateCommand,
  migrateDbCommand,
  backupCommand,
  healthCommand,
];

/** Every command group of the CLI. A new group is one file and one line here. */
export const GROUPS: CommandGroup[] = [accountsCommands, keysCommands, modelsCommands, adminsCommands];

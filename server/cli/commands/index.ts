import type { CommandGroup } from "../command.ts";
import { accountsCommands } from "./accounts.ts";
import { adminsCommands } from "./admins.ts";
import { keysCommands } from "./keys.ts";
import { modelsCommands } from "./models.ts";

/** Every command group of the CLI. A new group is one file and one line here. */
export const GROUPS: CommandGroup[] = [accountsCommands, keysCommands, modelsCommands, adminsCommands];

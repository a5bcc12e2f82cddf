import { z } from "zod";
import { parseCliArgs, runCli } from "../lib/cli/args";
import { loadConfig } from "../lib/config";
import { repairChangeLog } from "../lib/vector-store/embedded/repair-log";

const optionsSchema = z.object({});

await runCli(async () => {
  parseCliArgs(process.argv.slice(2), optionsSchema);
  const report = await repairChangeLog(loadConfig().CATALOG_DIR);
  if (!report.quarantined) {
    console.log(`${report.file} is sound: ${report.kept} records, nothing to repair`);
    return;
  }
  console.log(`repaired ${report.file}: kept ${report.kept} records, dropped ${report.dropped.length}`);
  for (const d of report.dropped) console.log(`  dropped record ${d.record} at byte ${d.offset} (${d.bytes} bytes): ${d.reason}`);
  if (report.tornTailBytes > 0) console.log(`  dropped an unfinished last record of ${report.tornTailBytes} bytes (a torn write, never acknowledged)`);
  console.log(`the original is kept at ${report.quarantined}`);
});

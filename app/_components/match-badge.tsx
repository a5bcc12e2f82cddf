import type { QualityBand } from "@/lib/search/match-quality";

/** What a result's match quality shows: the calibrated probability, its band and the raw cosine. */
export type MatchInfo = { quality: number; band: QualityBand; score: number };

const bandStyle: Record<QualityBand, { word: string; bar: string; text: string }> = {
  excellent: { word: "Excellent match", bar: "bg-green-600", text: "text-green-800" },
  good: { word: "Good match", bar: "bg-blue-600", text: "text-blue-800" },
  weak: { word: "Weak match", bar: "bg-neutral-400", text: "text-neutral-600" },
};

/** The band word and a bar of the match quality; the cosine on hover. */
export function MatchBadge({ match }: { match: MatchInfo }) {
  const style = bandStyle[match.band];
  const percent = Math.round(match.quality * 100);
  return (
    <span
      className="flex flex-col gap-0.5 self-stretch"
      title={`${percent}% likely the same type · cosine similarity ${match.score.toFixed(3)}`}
      data-testid="match-badge"
      data-band={match.band}
      data-quality={match.quality.toFixed(4)}
    >
      <span className={`text-xs font-medium ${style.text}`}>{style.word}</span>
      <span className="h-1.5 w-full overflow-hidden rounded bg-neutral-100" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Match quality">
        <span className={`block h-full ${style.bar}`} style={{ width: `${percent}%` }} />
      </span>
    </span>
  );
}

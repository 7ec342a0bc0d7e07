import { useEffect, useId, useRef } from "preact/hooks";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJs,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";

ChartJs.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Legend, Tooltip);

/** "Chart: accepted, ..." -> "Accepted, ...": the visible caption without the prefix. */
export function caption(title: string): string {
  const text = title.replace(/^[^:]*:\s*/, "");
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
}

/**
 * A chart drawn by Chart.js on a canvas with role `img`; its name starts with the title and its
 * text alternative (a summary and the data as a table) sits beside it for every reader.
 */
export function Chart({
  title,
  kind,
  labels,
  series,
  summary,
  stacked = false,
  integer = false,
  locale,
  categoryLabel,
}: {
  title: string;
  kind: "bar" | "line";
  labels: string[];
  series: Series[];
  summary: string;
  stacked?: boolean;
  /** Counts: whole numbers on the value axis. */
  integer?: boolean;
  locale: string;
  categoryLabel: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const summaryId = useId();
  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration = {
      type: kind,
      data: {
        labels,
        datasets: series.map((s) => ({
          label: s.label,
          data: s.values,
          backgroundColor: s.color,
          borderColor: s.color,
          borderWidth: kind === "line" ? 2 : 0,
          spanGaps: true,
          tension: 0.25,
        })),
      },
      options: {
        locale,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked },
          y: { stacked, beginAtZero: true, ticks: integer ? { precision: 0 } : {} },
        },
      },
    };
    const chart = new ChartJs(canvas.current, config);
    return () => chart.destroy();
  }, [kind, JSON.stringify(labels), JSON.stringify(series), locale, stacked, integer]);

  return (
    <figure class="chart">
      <figcaption>{caption(title)}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${title}. ${summary}`} aria-describedby={summaryId} />
      </div>
      <details class="chart-data">
        <summary id={summaryId}>{summary}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{categoryLabel}</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, index) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.label}>{s.values[index] ?? "–"}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

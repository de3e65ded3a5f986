/**
 * A small typed builder for Grafana dashboard JSON (the dashboard model Grafana's file
 * provisioning reads: "JSON model" in the Grafana documentation). The dashboards are written
 * as lists of panels with their PromQL, so a review reads titles and queries, not layout; the
 * builder adds ids, grid positions and the datasource reference.
 */

/** The uid of the provisioned Prometheus datasource: every panel and variable references it. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/** How panels and variables reference the datasource (by uid, so renaming it breaks nothing). */
const DATASOURCE = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID } as const;

/** Grafana's grid is 24 columns wide. */
const GRID_COLUMNS = 24;
const DEFAULT_PANEL_HEIGHT = 8;

/** One PromQL query of a panel. */
export interface Query {
  /** The PromQL expression; every metric in it must be in KNOWN_METRICS (a test checks). */
  readonly expr: string;
  /** Legend of each series, with `{{label}}` placeholders. @default - Grafana's own legend */
  readonly legend?: string;
  /** Evaluate once at the end of the range, for stats and tables. @default false */
  readonly instant?: boolean;
}

/** A value shown as text, e.g. 2 → primary. */
export interface ValueText {
  /** The value. */
  readonly value: number;
  /** What to show instead. */
  readonly text: string;
  /** Colour of the text. @default - the panel's thresholds */
  readonly color?: string;
}

/** One panel, before layout. */
export interface PanelSpec {
  /** Title. */
  readonly title: string;
  /** What the panel shows and how to read it (Grafana shows it on hover). */
  readonly description: string;
  /** Visualization. */
  readonly type: 'timeseries' | 'stat' | 'table';
  /** The queries. */
  readonly queries: readonly Query[];
  /** Unit of the values (Grafana unit id, such as `s`, `bytes`, `percent`). @default - none */
  readonly unit?: string;
  /** Lower end of the axis. @default - from the data */
  readonly min?: number;
  /** Upper end of the axis. @default - from the data */
  readonly max?: number;
  /** Values shown as text. @default - none */
  readonly valueTexts?: readonly ValueText[];
  /** Thresholds as [value, colour] from low to high, above green. @default - none */
  readonly thresholds?: readonly (readonly [number, string])[];
  /** Grafana transformations, for tables. @default - none */
  readonly transformations?: readonly Record<string, unknown>[];
  /** Columns of the 24-wide grid. @default - the row's width shared evenly */
  readonly width?: number;
}

/** A dashboard variable whose values come from a `label_values(...)` query. */
export interface VariableSpec {
  /** Name, used as `$name` in queries. */
  readonly name: string;
  /** Label shown above the dashboard. */
  readonly label: string;
  /** `label_values(<selector>, <label>)`. */
  readonly query: string;
}

/** A dashboard, before layout. */
export interface DashboardSpec {
  /** Stable uid: links and bookmarks use it. */
  readonly uid: string;
  /** Title. */
  readonly title: string;
  /** Description, shown in the dashboard's settings and the dashboard list. */
  readonly description: string;
  /** Template variables. @default - none */
  readonly variables?: readonly VariableSpec[];
  /** The panels, one array per row of the grid. */
  readonly rows: readonly (readonly PanelSpec[])[];
}

/** A target of a panel, as Grafana stores it. */
export interface GrafanaTarget {
  readonly refId: string;
  readonly datasource: typeof DATASOURCE;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly instant: boolean;
  readonly range: boolean;
  readonly format?: 'table';
}

/** A panel, as Grafana stores it. */
export interface GrafanaPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly datasource: typeof DATASOURCE;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets: readonly GrafanaTarget[];
  readonly fieldConfig: {
    readonly defaults: Record<string, unknown>;
    readonly overrides: readonly unknown[];
  };
  readonly options: Record<string, unknown>;
  readonly transformations?: readonly Record<string, unknown>[];
}

/** A template variable, as Grafana stores it. */
export interface GrafanaVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'query';
  readonly datasource: typeof DATASOURCE;
  readonly query: string;
  readonly definition: string;
  readonly refresh: number;
  readonly sort: number;
  readonly includeAll: boolean;
  readonly multi: boolean;
}

/** A dashboard, as Grafana's file provisioning reads it. */
export interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly editable: boolean;
  readonly schemaVersion: number;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly timezone: string;
  readonly templating: { readonly list: readonly GrafanaVariable[] };
  readonly panels: readonly GrafanaPanel[];
}

/** Lays out the panels and fills in what Grafana needs. */
export function dashboard(spec: DashboardSpec): GrafanaDashboard {
  let id = 0;
  const panels = spec.rows.flatMap((row, rowIndex) => {
    const shared = Math.floor(GRID_COLUMNS / row.length);
    let x = 0;
    return row.map((panel) => {
      const w = panel.width ?? shared;
      const laidOut = toGrafanaPanel(panel, ++id, { x, y: rowIndex * DEFAULT_PANEL_HEIGHT, w });
      x += w;
      if (x > GRID_COLUMNS) {
        throw new Error(
          `${spec.uid}: the row of panel "${panel.title}" is wider than ${GRID_COLUMNS} columns`,
        );
      }
      return laidOut;
    });
  });
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['postgresql', 'platform'],
    // Provisioned from a ConfigMap: changes in the UI could not be saved back (allowUiUpdates off).
    editable: false,
    schemaVersion: 41,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    timezone: 'utc',
    templating: { list: (spec.variables ?? []).map(toGrafanaVariable) },
    panels,
  };
}

function toGrafanaPanel(
  panel: PanelSpec,
  id: number,
  position: { x: number; y: number; w: number },
): GrafanaPanel {
  const steps = [
    { color: 'green', value: null },
    ...(panel.thresholds ?? []).map(([value, color]) => ({ color, value })),
  ];
  return {
    id,
    type: panel.type,
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos: { ...position, h: DEFAULT_PANEL_HEIGHT },
    targets: panel.queries.map((query, index) => ({
      refId: String.fromCharCode(65 + index),
      datasource: DATASOURCE,
      expr: query.expr,
      ...(query.legend ? { legendFormat: query.legend } : {}),
      instant: query.instant ?? false,
      range: !(query.instant ?? false),
      ...(panel.type === 'table' ? { format: 'table' as const } : {}),
    })),
    fieldConfig: {
      defaults: {
        ...(panel.unit ? { unit: panel.unit } : {}),
        ...(panel.min !== undefined ? { min: panel.min } : {}),
        ...(panel.max !== undefined ? { max: panel.max } : {}),
        thresholds: { mode: 'absolute', steps },
        mappings: panel.valueTexts
          ? [
              {
                type: 'value',
                options: Object.fromEntries(
                  panel.valueTexts.map((v, index) => [
                    String(v.value),
                    { text: v.text, index, ...(v.color ? { color: v.color } : {}) },
                  ]),
                ),
              },
            ]
          : [],
      },
      overrides: [],
    },
    options:
      panel.type === 'timeseries'
        ? { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] } }
        : panel.type === 'stat'
          ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value' }
          : { showHeader: true },
    ...(panel.transformations ? { transformations: panel.transformations } : {}),
  };
}

function toGrafanaVariable(variable: VariableSpec): GrafanaVariable {
  return {
    name: variable.name,
    label: variable.label,
    type: 'query',
    datasource: DATASOURCE,
    query: variable.query,
    definition: variable.query,
    // 2: refresh the values whenever the time range changes, so a new tenant appears.
    refresh: 2,
    sort: 1,
    includeAll: false,
    multi: false,
  };
}

/** Every PromQL expression of a dashboard: its panels' queries and its variables' queries. */
export function expressionsOf(dashboard: GrafanaDashboard): string[] {
  return [
    ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
    ...dashboard.templating.list.map((variable) => variable.query),
  ];
}

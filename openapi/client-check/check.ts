// What an integrator writes first, type-checked against a client generated from the spec:
// a resident logs in, raises a case, and a deputy pages the queue. `tsc --strict` fails when
// the spec stops describing these calls the way the server answers them.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/liaison";

type Paged<T> = { items: T[]; next_cursor?: string | null };
type CaseSummary = components["schemas"]["CaseSummary"];

export async function scenario(baseUrl: string): Promise<CaseSummary[]> {
  const api = createClient<paths>({ baseUrl });

  const login = await api.POST("/api/v1/auth/dev", { body: { openid: "o-client-check" } });
  if (!login.data) throw new Error(`login failed: ${login.error?.code}`);
  const resident = { Authorization: `Bearer ${login.data.access_token}` };

  const categories = await api.GET("/api/v1/categories", { params: { query: { county_id: 1 } } });
  const category = categories.data?.items[0];
  if (!category) throw new Error("no category");

  const raised = await api.POST("/api/v1/cases", {
    headers: { ...resident, "Idempotency-Key": "client-check-1" },
    body: {
      station_id: 1,
      category_id: category.id,
      title: "路灯不亮",
      content: "人民路的路灯一周不亮了",
      anonymous: false,
    },
  });
  if (!raised.data) throw new Error(`raise failed: ${raised.error?.code}`);
  const number: string = raised.data.number;

  const staff = await api.POST("/api/v1/auth/password", {
    body: { phone: "13800000004", password: "liaison-demo-2026" },
  });
  if (!staff.data) throw new Error("staff login failed");
  const deputy = { Authorization: `Bearer ${staff.data.access_token}` };

  const cases: CaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.GET("/api/v1/cases", {
      headers: deputy,
      params: { query: { scope: "assigned", limit: 50, cursor } },
    });
    if (!page.data) throw new Error(`queue failed: ${page.error?.code}`);
    const paged: Paged<CaseSummary> = page.data;
    cases.push(...paged.items);
    cursor = paged.next_cursor ?? undefined;
  } while (cursor);
  console.log(`raised ${number}; the deputy's queue holds ${cases.length}`);
  return cases;
}

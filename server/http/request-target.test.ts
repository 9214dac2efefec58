import { expect, test } from "bun:test";
import { queryParam, requestOrigin, requestTarget } from "./request-target.ts";

test("reads path and query from absolute and relative URLs without throwing", () => {
  expect(requestTarget("http://a/admin/x?y=1")).toEqual({ path: "/admin/x", query: "y=1" });
  expect(requestTarget("http://[::1/admin")).toEqual({ path: "/admin", query: "" });
  expect(requestTarget("/admin/x?y=1")).toEqual({ path: "/admin/x", query: "y=1" });
  expect(requestTarget("http://h")).toEqual({ path: "/", query: "" });
  expect(requestTarget("http://h/a?b=/c#d")).toEqual({ path: "/a", query: "b=/c" });
  expect(queryParam("http://h/v1beta/m:x?alt=sse&key=k", "alt")).toBe("sse");
  expect(queryParam("/x", "alt")).toBeNull();
  expect(requestOrigin("http://gw.example:8080/v1/images")).toBe("http://gw.example:8080");
});

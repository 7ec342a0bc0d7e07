import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Menu } from "./Menu";

afterEach(cleanup);

describe("the action menu", () => {
  it("opens from the keyboard, moves with the arrows and closes with Escape", async () => {
    const accept = vi.fn();
    render(<Menu label="Actions" items={[{ label: "Open", onSelect: vi.fn() }, { label: "Accept inquiry", onSelect: accept }]} />);
    const button = screen.getByRole("button", { name: "Actions" });
    expect(button.getAttribute("aria-expanded")).toBe("false");
    fireEvent.keyDown(button, { key: "ArrowDown" });
    const open = await screen.findByRole("menuitem", { name: "Open" });
    expect(button.getAttribute("aria-expanded")).toBe("true");
    await vi.waitFor(() => expect(document.activeElement).toBe(open));
    fireEvent.keyDown(open, { key: "ArrowDown" });
    const item = screen.getByRole("menuitem", { name: "Accept inquiry" });
    await vi.waitFor(() => expect(document.activeElement).toBe(item));
    fireEvent.click(item);
    expect(accept).toHaveBeenCalledOnce();
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("gives focus back to its button on Escape", async () => {
    render(<Menu label="Actions" items={[{ label: "Open", onSelect: vi.fn() }]} />);
    const button = screen.getByRole("button", { name: "Actions" });
    fireEvent.click(button);
    const open = await screen.findByRole("menuitem", { name: "Open" });
    fireEvent.keyDown(open, { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(button);
  });
});

"""Our own theme: high contrast (config `theme = "high-contrast"`, or Ctrl+T).

White on black, with black on yellow for the cursor and yellow for keys and focus: every colour pair a text is
drawn in reaches 7:1 (WCAG AAA), measured on every screen by tests/app/test_accessibility.py. Text is "auto":
white on dark, black on light (the emergency title on its red). Muted text is barely muted (90%): what is
muted is said by its words, not by a fainter grey.
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="vettriage-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF8080",
    success="#80FF80",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    variables={
        "text": "auto 100%",
        "text-muted": "auto 90%",
        "text-disabled": "auto 75%",
        "foreground-muted": "#FFFFFF",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#FFFFFF",
        "block-hover-background": "#000000",
        "border": "#FFFF00",
        "border-blurred": "#FFFFFF",
        "footer-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "input-cursor-background": "#FFFFFF",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#FFFF00 40%",
        "button-foreground": "#FFFFFF",
        "button-color-foreground": "#000000",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#000000",
    },
)

"""The ticket layouts, by key (PRN-1..3). Each module documents its format.

| key              | page                        | for                                        |
| ---------------- | --------------------------- | ------------------------------------------ |
| `a4`             | A4 portrait                 | print-at-home and phone                    |
| `thermal_stub`   | 8 x 3.25 in (203 x 83 mm)   | show/concert ticket stock, tear-off stub   |
| `thermal_cinema` | 80 x 130 mm                 | 80 mm roll (receipt-type) ticket printers  |
| `cr80`           | 53.98 x 85.6 mm (ISO ID-1)  | pass cards on badge printers, with a photo |
| `template`       | 210 x 99 mm                 | the organizer's own 2480 x 1169 px design  |
"""

from billetterie.documents.layouts.a4 import A4Layout
from billetterie.documents.layouts.base import Layout, TicketData, TicketLabels
from billetterie.documents.layouts.cr80 import CR80Layout
from billetterie.documents.layouts.template import TemplateLayout
from billetterie.documents.layouts.thermal_cinema import ThermalCinemaLayout
from billetterie.documents.layouts.thermal_stub import ThermalStubLayout

__all__ = ["LAYOUTS", "Layout", "TicketData", "TicketLabels", "e_ticket_layouts"]

LAYOUTS: dict[str, type[Layout]] = {
    layout.key: layout
    for layout in (A4Layout, ThermalStubLayout, ThermalCinemaLayout, CR80Layout, TemplateLayout)
}


def e_ticket_layouts() -> list[type[Layout]]:
    """The layouts a shop may choose for the tickets it sends, in display order."""
    return [layout for layout in LAYOUTS.values() if layout.for_e_tickets]

"""Documents: pure renderers (tickets in every layout, cards, paper lists, receipts) and the
checking of a ticket template image.

Plain data in, bytes out; nothing here imports a model or touches the database or the file
storage. The shop's choice of layout and its template live in `orders`
(`ticket_layout_models`, `services.ticket_layouts`, `ticket_documents`); the paper list's
rows come from `checkin.paper_list`.
"""

from django.urls import path

from billetterie.backoffice.views import (
    audit,
    auth,
    banking,
    catalog,
    checkin,
    customers,
    dashboard,
    exports,
    orders,
    organizers,
    prices,
    promotions,
    registration,
    team,
    ticket_layouts,
    tracking,
    venues,
    webhooks,
)

app_name = "backoffice"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("login/code/", auth.login_totp_view, name="login_totp"),
    path("logout/", auth.logout_view, name="logout"),
    path("password-reset/", auth.password_reset_view, name="password_reset"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("invitation/<str:token>/", auth.invitation_view, name="invitation"),
    path("account/security/", auth.account_security_view, name="account_security"),
    path("", organizers.home, name="home"),
    path("o/<slug:organizer>/", organizers.organizer_dashboard, name="organizer"),
    path("o/<slug:organizer>/shops/", organizers.shop_list, name="shops"),
    path("o/<slug:organizer>/shops/new/", organizers.shop_create, name="shop_create"),
    # the shop's home: its settings in brief and its sales dashboard
    path("o/<slug:organizer>/s/<slug:shop>/", dashboard.shop_dashboard_view, name="shop"),
    path(
        "o/<slug:organizer>/s/<slug:shop>/settings/", organizers.shop_settings, name="shop_settings"
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/tracking/", tracking.shop_tracking, name="shop_tracking"
    ),
    # the customer registration form (SHOP-4)
    path(
        "o/<slug:organizer>/s/<slug:shop>/registration/",
        registration.registration_page,
        name="registration",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/registration/standard/",
        registration.registration_modes,
        name="registration_modes",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/registration/fields/new/",
        registration.field_new,
        name="registration_field_create",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/registration/prices/<int:price_id>/questions/new/",
        registration.question_new,
        name="registration_question_create",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/registration/fields/<int:field_id>/edit/",
        registration.field_edit,
        name="registration_field_edit",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/registration/fields/<int:field_id>/delete/",
        registration.field_delete,
        name="registration_field_delete",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/registration/fields/<int:field_id>/move/",
        registration.field_move,
        name="registration_field_move",
    ),
    # ticket layout and template (PRN-1, PRN-2)
    path(
        "o/<slug:organizer>/s/<slug:shop>/ticket-layout/",
        ticket_layouts.ticket_layouts,
        name="ticket_layouts",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/ticket-layout/preview.pdf",
        ticket_layouts.layout_preview,
        name="ticket_layout_preview",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/ticket-layout/template/",
        ticket_layouts.template_upload,
        name="ticket_template_upload",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/ticket-layout/template/delete/",
        ticket_layouts.template_delete,
        name="ticket_template_delete",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/ticket-layout/template/image.jpg",
        ticket_layouts.template_image,
        name="ticket_template_image",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/ticket-layout/sample-template.png",
        ticket_layouts.template_sample,
        name="ticket_template_sample",
    ),
    # paper lists of attendees (SCAN-8)
    path(
        "o/<slug:organizer>/s/<slug:shop>/paper-lists/",
        ticket_layouts.attendee_lists,
        name="attendee_lists",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/paper-lists/<int:date_id>.pdf",
        ticket_layouts.attendee_list_pdf,
        name="attendee_list_pdf",
    ),
    # webhooks (API-3)
    path("o/<slug:organizer>/s/<slug:shop>/webhooks/", webhooks.endpoint_list, name="webhooks"),
    path(
        "o/<slug:organizer>/s/<slug:shop>/webhooks/<int:endpoint_id>/",
        webhooks.endpoint_detail,
        name="webhook",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/webhooks/<int:endpoint_id>/secret/",
        webhooks.endpoint_rotate,
        name="webhook_rotate",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/webhooks/<int:endpoint_id>/delete/",
        webhooks.endpoint_delete,
        name="webhook_delete",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/",
        webhooks.delivery_detail,
        name="webhook_delivery",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend/",
        webhooks.delivery_resend,
        name="webhook_resend",
    ),
    # promotions (SHOP-6)
    path(
        "o/<slug:organizer>/s/<slug:shop>/promotions/",
        promotions.promotion_list,
        name="promotions",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/promotions/new/",
        promotions.promotion_new,
        name="promotion_create",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/promotions/<int:promotion_id>/edit/",
        promotions.promotion_edit,
        name="promotion_edit",
    ),
    path(
        "o/<slug:organizer>/s/<slug:shop>/promotions/<int:promotion_id>/delete/",
        promotions.promotion_delete,
        name="promotion_delete",
    ),
    path("o/<slug:organizer>/team/", team.team_page, name="team"),
    path("o/<slug:organizer>/team/new/", team.team_create, name="team_create"),
    path("o/<slug:organizer>/team/<int:team_id>/rename/", team.team_rename, name="team_rename"),
    path("o/<slug:organizer>/team/<int:team_id>/delete/", team.team_delete, name="team_delete"),
    path(
        "o/<slug:organizer>/team/<int:team_id>/members/<int:user_id>/remove/",
        team.member_remove,
        name="member_remove",
    ),
    path("o/<slug:organizer>/team/invite/", team.invite, name="invite"),
    path(
        "o/<slug:organizer>/team/invitations/<int:invitation_id>/revoke/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:organizer>/team/grants/new/", team.grant_create, name="grant_create"),
    path(
        "o/<slug:organizer>/team/grants/<int:grant_id>/revoke/",
        team.grant_revoke,
        name="grant_revoke",
    ),
    path("o/<slug:organizer>/audit/", audit.audit_log, name="audit"),
    # venues, zones and seats (organizer-wide)
    path("o/<slug:organizer>/venues/", venues.venue_list, name="venues"),
    path("o/<slug:organizer>/venues/new/", venues.venue_new, name="venue_create"),
    path("o/<slug:organizer>/venues/<int:venue_id>/", venues.venue_detail, name="venue"),
    path(
        "o/<slug:organizer>/venues/<int:venue_id>/zones/new/", venues.zone_new, name="zone_create"
    ),
    path(
        "o/<slug:organizer>/venues/<int:venue_id>/zones/<int:zone_id>/seats/",
        venues.seats_new,
        name="seats_generate",
    ),
]

EVENT = "o/<slug:organizer>/s/<slug:shop>/events/<int:event_id>/"
urlpatterns += [
    path("o/<slug:organizer>/s/<slug:shop>/events/", catalog.event_list, name="events"),
    path("o/<slug:organizer>/s/<slug:shop>/events/new/", catalog.event_new, name="event_create"),
    path(EVENT, catalog.event_detail, name="event"),
    path(f"{EVENT}edit/", catalog.event_edit, name="event_edit"),
    path(f"{EVENT}dates/add/", catalog.dates_add, name="event_dates_add"),
    path(f"{EVENT}dates/<int:date_id>/quota/", catalog.date_quota, name="date_quota"),
    path(f"{EVENT}images/", catalog.image_upload, name="image_upload"),
    path(f"{EVENT}images/<int:image_id>/delete/", catalog.image_delete, name="image_delete"),
    path(f"{EVENT}duplicate/", catalog.event_duplicate, name="event_duplicate"),
    path(f"{EVENT}prices/new/", prices.price_new, name="price_create"),
    path(f"{EVENT}prices/<int:price_id>/edit/", prices.price_edit, name="price_edit"),
    path(f"{EVENT}prices/<int:price_id>/delete/", prices.price_delete, name="price_delete"),
    path(f"{EVENT}prices/<int:price_id>/options/new/", prices.option_new, name="option_create"),
    path(
        f"{EVENT}prices/<int:price_id>/option-groups/new/",
        prices.option_group_new,
        name="option_group_create",
    ),
    path(f"{EVENT}options/<int:option_id>/delete/", prices.option_delete, name="option_delete"),
]

# orders, customers and exports (issue 7: DATA-1..3, PAY-9, BOX-3)
SHOP = "o/<slug:organizer>/s/<slug:shop>/"
ORDER = f"{SHOP}orders/<int:order_id>/"
EXPORT = f"{SHOP}exports/<int:export_id>/"
CUSTOMER = "o/<slug:organizer>/customers/<int:customer_id>/"
urlpatterns += [
    path(f"{SHOP}orders/", orders.order_list, name="orders"),
    path(ORDER, orders.order_detail, name="order"),
    path(f"{ORDER}resend/", orders.order_resend, name="order_resend"),
    path(f"{ORDER}email-tickets/", orders.order_email_tickets, name="order_email_tickets"),
    path(f"{ORDER}customer/", orders.order_customer, name="order_customer"),
    path(f"{ORDER}cancel/", orders.order_cancel, name="order_cancel"),
    path(f"{ORDER}opposition/", orders.order_opposition, name="order_opposition"),
    path(f"{ORDER}tickets/", orders.order_tickets_pdf, name="order_tickets"),
    path(f"{ORDER}files/<str:file_token>/", orders.order_file, name="order_file"),
    path(f"{SHOP}exports/", exports.export_list, name="exports"),
    path(f"{SHOP}exports/new/", exports.export_create, name="export_create"),
    path(EXPORT, exports.export_detail, name="export"),
    path(f"{EXPORT}progress/", exports.export_progress, name="export_progress"),
    path(f"{EXPORT}download/", exports.export_download, name="export_download"),
    path("o/<slug:organizer>/customers/", customers.customer_list, name="customers"),
    path(CUSTOMER, customers.customer_detail, name="customer"),
    path(f"{CUSTOMER}merge/", customers.customer_merge, name="customer_merge"),
    path(f"{CUSTOMER}delete/", customers.customer_delete, name="customer_delete"),
]

# access control: scan profiles, login codes, devices, signed codes, live count (SCAN-1..7)
CHECKIN = "o/<slug:organizer>/checkin/"
urlpatterns += [
    path(CHECKIN, checkin.checkin_page, name="checkin"),
    path(f"{CHECKIN}profiles/new/", checkin.profile_create, name="checkin_profile_create"),
    path(
        f"{CHECKIN}profiles/<int:profile_id>/edit/",
        checkin.profile_edit,
        name="checkin_profile_edit",
    ),
    path(
        f"{CHECKIN}profiles/<int:profile_id>/codes/new/",
        checkin.profile_code_create,
        name="checkin_profile_code_create",
    ),
    path(f"{CHECKIN}codes/new/", checkin.organizer_code_create, name="checkin_code_create"),
    path(f"{CHECKIN}codes/<int:code_id>/revoke/", checkin.code_revoke, name="checkin_code_revoke"),
    path(
        f"{CHECKIN}devices/<int:device_id>/revoke/",
        checkin.device_revoke,
        name="checkin_device_revoke",
    ),
    path(f"{SHOP}checkin/signed-codes/", checkin.signed_codes_set, name="checkin_signed_codes"),
    path(f"{SHOP}checkin/rotate-key/", checkin.key_rotate, name="checkin_key_rotate"),
    path(f"{SHOP}checkin/live/", checkin.live_counts, name="checkin_live"),
    path(f"{SHOP}checkin/live.json", checkin.live_counts_data, name="checkin_live_data"),
]

# bank accounts, invoice settings and an order's invoice (PAY-5, PAY-6, PAY-11)
BANK_ACCOUNT = f"{SHOP}bank-accounts/<int:account_id>/"
urlpatterns += [
    path(f"{SHOP}bank-accounts/", banking.bank_account_list, name="bank_accounts"),
    path(f"{SHOP}bank-accounts/new/", banking.bank_account_new, name="bank_account_create"),
    path(f"{BANK_ACCOUNT}edit/", banking.bank_account_edit, name="bank_account_edit"),
    path(f"{BANK_ACCOUNT}use/", banking.bank_account_use, name="bank_account_use"),
    path(f"{BANK_ACCOUNT}delete/", banking.bank_account_delete, name="bank_account_delete"),
    path(f"{SHOP}invoice-settings/", banking.invoice_settings, name="invoice_settings"),
    path(
        f"{SHOP}invoice-settings/explain/",
        banking.invoice_settings_explain,
        name="invoice_settings_explain",
    ),
    path(f"{ORDER}invoice.pdf", banking.order_invoice_pdf, name="order_invoice_pdf"),
    path(f"{ORDER}invoice/resend/", banking.order_invoice_resend, name="order_invoice_resend"),
]

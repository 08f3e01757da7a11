from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from billetterie.api.urls import api
from billetterie.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("backoffice/", include("billetterie.backoffice.urls")),
    path("boxoffice/", include("billetterie.boxoffice.urls")),
    path("scanner/", include("billetterie.scanner.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("pay/", include("billetterie.payments.urls")),
]

if settings.DEBUG:  # uploaded images for `make run`; in production the proxy or S3 serves them
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns.append(path("", include("billetterie.shop.urls")))

if settings.ENABLE_PLATFORM_ADMIN:  # the platform operator's tool, off unless asked for
    from django.contrib import admin

    urlpatterns.insert(0, path("platform-admin/", admin.site.urls))

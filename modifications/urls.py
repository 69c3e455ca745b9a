app_name = "modifications"

urlpatterns = []

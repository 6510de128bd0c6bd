from django.contrib import admin

from .models import Customer, CustomerContact, Territory


class CustomerContactInline(admin.TabularInline):
    model = CustomerContact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["customer_name", "customer_type", "territory", "credit_limit", "active"]
    list_filter = ["customer_type", "territory", "active"]
    search_fields = ["customer_name", "email"]
    inlines = [CustomerContactInline]


admin.site.register(Territory)

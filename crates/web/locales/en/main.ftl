# satupintu — English
site-description = One door to every public service of the city: find a service, read what it needs, and open its app.
skip-to-content = Skip to content
nav-label = Main menu
nav-home = Home
nav-catalog = Services
nav-agencies = Agencies
nav-progress = Progress
lang-switch = Bahasa Indonesia
demo-label = Sample data.
demo-body = This catalog is a sample city for demonstration, not the city government's official data.
search-label = Search services
search-placeholder = Search services, e.g. ID card, birth certificate, property tax
search-button = Search
footer-about = satupintu: one door to every public service of the city, on the web, in apps and in chat.
footer-api = API for developers
unknown = Not available yet
cost-free = Free
duration-same-day = Done the same day
duration-days = { $n ->
    [one] { $n } working day
   *[other] { $n } working days
}
services-count = { $n ->
    [one] { $n } service
   *[other] { $n } services
}
breadcrumb-label = You are here

home-title = Home
home-heading = Every public service of the city through one door
home-lead = Find a service, read its requirements, cost and processing time, then open its app from one place.
progress-line = of { $target } applications integrated
home-target = Programme target: every application integrated by { $year }.
home-see-progress = See progress
home-categories = Service categories
home-popular = Most opened services
home-popular-empty = No integrated services yet.
home-all-services = See all services

catalog-title = All services
catalog-results-for = Results for “{ $q }”
catalog-found = { $n ->
    [one] { $n } service found
   *[other] { $n } services found
}
catalog-empty = No service matches. Try other words or clear the filters.
filter-label = Filter services
filter-category = Category
filter-agency = Agency
filter-audience = For
filter-mode = Integration mode
filter-status = Status
filter-all = All
filter-active = All active
filter-apply = Apply
filter-reset = Clear filters
pager-label = Pages
pager-prev = Previous
pager-next = Next
pager-page = Page { $n }

status-direncanakan = Planned
status-dalam_proses = In progress
status-terintegrasi = Integrated
status-dihentikan = Retired
mode-link = Link
mode-sso = Single sign-on
mode-api = Connected by API
mode-native = In satupintu
mode-link-help = The portal links to the app; the app keeps its own accounts.
mode-sso-help = The app accepts satupintu accounts: one account for every service.
mode-api-help = Requests and data flow through satupintu's API (data-level integration in SPBE terms).
mode-native-help = The service is handled inside satupintu.
audience-warga = Residents
audience-asn = Civil servants
audience-bisnis = Businesses
kind-sekretariat = Secretariat
kind-inspektorat = Inspectorate
kind-dinas = Department (dinas)
kind-badan = Agency (badan)
kind-kantor = Office/unit
kind-kecamatan = District (kecamatan)
kind-kelurahan = Sub-district (kelurahan)
kind-rsud = Regional hospital
kind-bumd = City-owned enterprise
kind-bagian = Secretariat division
kind-lainnya = Other

service-action-heading = Use this service
action-open = Open the app
action-open-note = You will be taken to the service's app
action-no-link = The app's address is not available yet; contact the agency.
action-sso = Sign in with satupintu
action-sso-note = Signing in with one satupintu account is coming soon; for now the app opens with its own account.
action-apply = Apply
action-coming-soon = Applying through satupintu is coming soon.
action-not-available = Not yet available in satupintu
action-not-yet = This service is not integrated yet.
action-not-yet-target = This service is not integrated yet; target year { $year }.
service-android = Android
service-ios = iPhone
service-standard = Service standard
service-requirements = Requirements
service-procedure = Procedure
service-duration = Processing time
service-cost = Cost
service-product = What you receive
service-legal-basis = Legal basis
service-complaint = Complaints
service-no-standard = The service standard has not been published for this app.
service-integration = Integration
service-mode = Mode
service-status = Status
service-target-year = Target year
service-code = Code
service-history = Status history
history-registered = Registered as { $status }
history-change = { $from } → { $to }

agencies-title = City agencies (OPD)
agencies-count = { $n ->
    [one] { $n } agency
   *[other] { $n } agencies
}
agency-counts = { $integrated } of { $total } applications integrated
agency-services = Services and applications
agency-no-services = This agency has no services in the catalog yet.
agency-contact = Contact
agency-address = Address
agency-phone = Phone
agency-email = Email
agency-website = Website

progress-title = Integration progress
progress-summary = Summary
progress-detail = { $percent }% of the target, to be reached by { $year }.
progress-total = Total
progress-over-time = Progress over time
progress-chart-desc = Line chart of integrated applications per month, with all applications and the target line.
progress-legend = Green line: integrated applications. Grey dashed line: all active applications. Yellow dotted line: programme target.
progress-table = See the monthly figures
progress-month = Month
progress-by-category = By category
progress-by-agency = By agency
progress-api-note = The same data as JSON:

error-404-title = Page not found
error-404-body = The address you opened does not exist or has moved. Try searching for the service you need.
error-400-title = We could not handle that request
error-400-body = Something in the address or the filters was not recognised.
error-500-title = Something went wrong
error-500-body = Sorry, something failed on our side. Please try again in a moment.
error-go-home = Back to home
error-go-catalog = See all services
offline-title = You are offline
offline-body = There is no internet connection. Pages you opened before may still be available; try again when you are connected.
offline-retry = Try again

api-docs-title = API documentation
api-docs-version = Version
api-docs-endpoints = Endpoints
api-docs-parameters = Parameter
api-docs-in = In
api-docs-description = Description
api-docs-responses = Response
api-docs-body = Body
api-docs-schemas = Schemas
api-docs-field = Field
api-docs-type = Type
category-kependudukan = Civil registration
category-perizinan-investasi = Permits & investment
category-pajak-retribusi = Taxes & levies
category-kesehatan = Health
category-pendidikan = Education
category-sosial = Social welfare
category-kepegawaian-asn = Civil service (ASN)
category-pengaduan-aspirasi = Complaints & feedback
category-transportasi = Transport
category-lingkungan-hidup = Environment
category-ketenagakerjaan = Employment
category-umkm-perdagangan = Small business & trade
category-pariwisata-kebudayaan = Tourism & culture
category-pertanahan-tata-ruang = Land & spatial planning
category-kebencanaan-keamanan = Disasters & safety
category-informasi-data-publik = Public information & data
category-pemerintahan-keuangan-daerah = Government & finance
category-perumahan-permukiman = Housing & settlements

search-title = Search services
search-empty-prompt = Type a service or what you need, e.g. “id card” or “property tax”.
search-no-results = No service matches. Check the spelling, try other words, or see all services.
search-did-you-mean = Did you mean
search-page-of = Page { $page } of { $pages }
search-suggestions = Suggested services

login-title = Sign in
login-identifier = E-mail or mobile number
login-password = Password
login-submit = Sign in
login-missing = Enter your e-mail or mobile number and your password.
login-failed = Wrong e-mail/mobile number or password.
login-no-account = No account yet?
register-title = Create an account
register-lead = One account for every city service.
register-name = Full name
register-email = E-mail
register-phone = Mobile number
register-contact-note = Give an e-mail address, a mobile number, or both.
register-password-again = Password again
register-password-length = Passwords have at least { $n } characters.
register-submit = Create account
register-have-account = Already have an account?
register-name-invalid = Enter your full name (at most 100 characters).
register-email-invalid = The e-mail address is not valid.
register-phone-invalid = The mobile number is not valid.
register-contact-missing = Give an e-mail address or a mobile number.
register-password-mismatch = The two passwords differ.
register-email-taken = This e-mail address is already registered. Please sign in.
register-phone-taken = This mobile number is already registered. Please sign in.
account-title = My account
account-role = Role
account-since = Member since
logout = Sign out
logout-everywhere = Sign out on every device
role-warga = Resident
role-operator = Agency operator
role-admin = Administrator
role-asesor = Assessor
login-too-many = Too many sign-in attempts. Try again in { $minutes } minutes.
register-too-many = Too many sign-ups from this network. Try again in { $minutes } minutes.
account-your-data = Your data
account-your-data-lead = Under Law 27/2022 on Personal Data Protection you can download all your account data or delete your account.
account-download = Download my data (JSON)
account-delete = Delete account
account-delete-lead = Your account, sessions and contact details are deleted for good.
account-delete-password = Password to confirm
account-delete-wrong-password = Wrong password; the account was not deleted.
account-nik = NIK
account-nik-none = Not given
account-nik-lead = Optional. The NIK is stored encrypted and only ever shown masked. Clear it and save to remove it.
account-nik-saved = NIK saved.
account-save = Save
account-password = Change password
account-password-current = Current password
account-password-new = New password
account-password-wrong = The current password is wrong.
account-password-saved = Password changed; sessions on other devices were ended.
mail-verify-subject = Confirm your e-mail address for satupintu
mail-verify-body = Hello { $name },

    Open this link to confirm the e-mail address of your satupintu account:
    { $link }

    The link is valid for { $hours } hours. If you did not sign up, ignore this message.
mail-reset-subject = Reset your satupintu password
mail-reset-body = Hello { $name },

    Someone asked to reset the password of your satupintu account. Open this link to choose a new one:
    { $link }

    The link is valid for { $hours } hours and works once. If it was not you, ignore this message; your password is unchanged.
verify-done-title = E-mail confirmed
verify-done-body = Thank you, your e-mail address is confirmed.
verify-failed-title = This link does not work
verify-failed-body = The link was already used, has expired or is incomplete. Ask for a new one on your account page.
account-email-unverified = Not confirmed yet.
account-email-resend = Send the confirmation link again
account-verify-sent = A confirmation link was sent to your e-mail.
forgot-title = Forgot password
forgot-lead = Enter your account's e-mail. We will send a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If that address is registered, a link to reset the password has been sent. Check your inbox.
forgot-too-many = Too many requests from this network. Try again in { $minutes } minutes.
reset-title = Choose a new password
reset-submit = Save password
login-forgot = Forgot your password?
error-403-title = Not allowed
error-403-body = This page is for certain roles only. If you think you need access, contact an administrator.
admin-title = Admin office
admin-users-title = Users and roles
admin-audit-title = Audit log
admin-change-role = Change role
admin-agencies-field = Agency codes (for operators)
admin-role-saved = Role saved.
admin-role-invalid = Unknown role.
admin-agency-unknown = Unknown agency { $code }.
admin-operator-needs-agency = An operator needs at least one agency code.
admin-user-unknown = No such account.
admin-audit-intact = The log's chain is intact: { $n } entries.
admin-audit-broken = The log's chain is broken at entry { $seq }: { $reason }
admin-audit-when = When
admin-audit-who = By
admin-audit-what = Action
admin-audit-target = Target
admin-audit-after = After
account-admin-link = Admin office
admin-service-code = Service code
admin-open = Open
admin-status-current = Current status
admin-status-change = Change integration status
admin-status-new = New status
admin-status-note = Note (shown in the history)
admin-status-saved = Status saved; the portal, the API and search already use it.
admin-status-invalid = Choose a new status.
admin-status-final = No status change is allowed from this status.
admin-edit-title = Edit service details
admin-edit-summary = Summary
admin-edit-keywords = Keywords (separated by ;)
admin-edit-web-url = The app's web address
admin-edit-saved = Service details saved; search already uses them.
admin-edit-name-invalid = Enter the service name (at most 200 characters).
admin-edit-summary-invalid = The summary has at most 300 characters.
admin-search-title = Search statistics
admin-search-lead = The last 30 days. Queries are kept without personal data (long numbers and e-mail addresses replaced). Add keywords or synonyms for queries that find nothing.
admin-search-top = Top queries
admin-search-zero = Queries without results
admin-search-query = Query
admin-search-count = Searches
admin-search-zero-count = Without results
admin-search-clicks = Clicks
admin-search-ctr = Click-through
admin-search-none = No searches yet.

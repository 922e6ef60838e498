/** The demo site's own styles; the widget comes from /widget.js, as on a customer's website. */
import '../shared/theme.css';
import '../shared/page.css';
import './demo.css';

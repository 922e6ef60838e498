/** The demo site: its own styles, then the widget exactly as an integrator would include it. */
import '../shared/theme.css';
import '../shared/page.css';
import './demo.css';
import '../widget/main';
